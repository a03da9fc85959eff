// Clinic API latency under concurrent load (autocannon on loopback), beside a baseline measured in
// the same run against the same server: GET /healthz, which goes through the same HTTP stack but
// touches neither the token store nor the record.
import { startBenchClinic } from '@klinik-desa/bench';
import autocannon from 'autocannon';
import { fmt, ratio } from './support.js';

const CONNECTIONS = 20;
const SECONDS = 5;
const OBSERVATIONS = 40;
const clinic = await startBenchClinic({ observations: OBSERVATIONS });

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(
  name: string,
  path: string,
  options: { token?: string; method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<Measured> {
  const result = await autocannon({
    url: `${clinic.url}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: options.method ?? 'GET',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

try {
  const { token } = clinic;
  await measure('warm-up', '/healthz');
  const results = [
    await measure('GET /healthz (baseline)', '/healthz'),
    await measure(`GET /screenings/{id} (${OBSERVATIONS} readings)`, `/screenings/${clinic.screeningId}`, {
      token,
    }),
    await measure(
      'GET /observations?patientId (page of 50)',
      `/observations?patientId=${clinic.patientId}&limit=50`,
      {
        token,
      },
    ),
    await measure('POST /patients/search by NIK', '/patients/search', {
      token,
      method: 'POST',
      body: { nik: clinic.nik },
    }),
  ];
  const base = results[0]!;
  console.log(
    `Clinic API on SQLite, ${CONNECTIONS} concurrent connections, ${SECONDS} s each, autocannon on loopback`,
  );
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(44)} ${fmt(r.rps).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(3)} ms   ${ratio(r.rps, base.rps)} baseline req/s${r.errors ? `   ${r.errors} errors` : ''}`,
    );
  }
  if (results.some((r) => r.errors > 0)) throw new Error('bench: some requests failed');
} finally {
  await clinic.stop();
}
