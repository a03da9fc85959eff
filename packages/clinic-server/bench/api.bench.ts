// Clinic API latency under concurrent load (autocannon on loopback), beside a baseline measured in
// the same run against the same server: GET /healthz, which goes through the same HTTP stack but
// touches neither the token store nor the record.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiTestClient, createAdminClient, startClinicServerProcess } from '@klinik-desa/testkit';
import autocannon from 'autocannon';
import { fmt, ratio } from './support.js';

const CONNECTIONS = 20;
const SECONDS = 5;
const dir = mkdtempSync(join(tmpdir(), 'kd-bench-api-'));
const db = join(dir, 'clinic.db');
const config = join(dir, 'clinic.yaml');
// The rate limiter would answer most of the load with 429s; the bench measures the work itself.
writeFileSync(config, 'http: { rateLimit: false }\n');
const admin = createAdminClient(db, ['clinic-1']);
const server = await startClinicServerProcess('clinic-server', [
  '--db',
  db,
  '--config',
  config,
  '--broker-port',
  '0',
]);

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
    url: `${server.httpUrl}${path}`,
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
  const api = await new ApiTestClient(server.httpUrl, admin.clientId, admin.clientSecret).signIn();
  const token = (api as unknown as { token: string }).token;
  const patient = await api.request<{ id: string }>('POST', '/patients', {
    nik: '3201014509800007',
    name: 'Sri Wahyuni',
    birthDate: '1980-09-05',
    sex: 'female',
  });
  const screening = await api.request<{ id: string }>('POST', '/screenings', {
    patientId: patient.body.id,
    clinicId: 'clinic-1',
    kioskId: 'kiosk-1',
  });
  for (let i = 0; i < 40; i++) {
    await api.request('POST', '/observations', {
      screeningId: screening.body.id,
      kind: 'blood-pressure',
      measuredAt: new Date(Date.now() - i * 60_000).toISOString(),
      values: [
        { name: 'systolic', code: '8480-6', value: 120 + i, unit: 'mm[Hg]' },
        { name: 'diastolic', code: '8462-4', value: 80, unit: 'mm[Hg]' },
      ],
    });
  }
  await measure('warm-up', '/healthz');
  const results = [
    await measure('GET /healthz (baseline)', '/healthz'),
    await measure('GET /screenings/{id} (40 readings)', `/screenings/${screening.body.id}`, { token }),
    await measure(
      'GET /observations?patientId (page of 50)',
      `/observations?patientId=${patient.body.id}&limit=50`,
      {
        token,
      },
    ),
    await measure('POST /patients/search by NIK', '/patients/search', {
      token,
      method: 'POST',
      body: { nik: '3201014509800007' },
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
  await server.stop();
}
