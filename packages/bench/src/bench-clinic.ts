import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiTestClient, createAdminClient, startClinicServerProcess } from '@klinik-desa/testkit';

export interface BenchClinicOptions {
  /** Blood-pressure readings in the one screening (each a row the screening's answer carries). */
  observations: number;
}

/** A clinic server holding one patient with one screening, and an administrator signed in. */
export interface BenchClinic {
  /** The clinic API, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  readonly admin: { clientId: string; clientSecret: string };
  /** The administrator's bearer token, for clients that bypass the SDK. */
  readonly token: string;
  /** Sri Wahyuni's NIK, as `POST /patients/search` takes it. */
  readonly nik: string;
  readonly patientId: string;
  readonly screeningId: string;
  stop(): Promise<void>;
}

const NIK = '3201014509800007';
const CLINIC = 'clinic-1';

/**
 * A real clinic server in its own process, on SQLite in a fresh folder, with its embedded broker on
 * a free port, and seeded through its API. Its rate limiter is off: under a benchmark's load it
 * would answer most calls with 429, and the figures would measure the refusals.
 */
export async function startBenchClinic(options: BenchClinicOptions): Promise<BenchClinic> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-bench-clinic-'));
  const db = join(dir, 'clinic.db');
  const config = join(dir, 'clinic.yaml');
  writeFileSync(config, 'http: { rateLimit: false }\n');
  const admin = createAdminClient(db, [CLINIC]);
  const server = await startClinicServerProcess('clinic-server', [
    '--db',
    db,
    '--config',
    config,
    '--broker-port',
    '0',
  ]);
  try {
    const api = await new ApiTestClient(server.httpUrl, admin.clientId, admin.clientSecret).signIn();
    const patient = await created<{ id: string }>(api, '/patients', {
      nik: NIK,
      name: 'Sri Wahyuni',
      birthDate: '1980-09-05',
      sex: 'female',
    });
    const screening = await created<{ id: string }>(api, '/screenings', {
      patientId: patient.id,
      clinicId: CLINIC,
      kioskId: 'kiosk-1',
    });
    for (let i = 0; i < options.observations; i++) {
      await created(api, '/observations', {
        screeningId: screening.id,
        kind: 'blood-pressure',
        measuredAt: new Date(Date.now() - i * 60_000).toISOString(),
        values: [
          { name: 'systolic', code: '8480-6', value: 120 + i, unit: 'mm[Hg]' },
          { name: 'diastolic', code: '8462-4', value: 80, unit: 'mm[Hg]' },
        ],
      });
    }
    return {
      url: server.httpUrl,
      admin,
      token: api.accessToken,
      nik: NIK,
      patientId: patient.id,
      screeningId: screening.id,
      async stop() {
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** A seeding call the server refused would leave every figure measuring error answers. */
export class BenchSeedError extends Error {
  readonly code = 'KD_BENCH_SEED_FAILED';
  override name = 'BenchSeedError';
}

async function created<T>(api: ApiTestClient, path: string, body: unknown): Promise<T> {
  const r = await api.request<T>('POST', path, body);
  if (r.status !== 201 && r.status !== 200) {
    throw new BenchSeedError(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body;
}
