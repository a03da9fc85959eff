// A real clinic server in this process, for the SDK's contract, browser and runtime tests (they
// live here, not in the SDK, so that the client package depends on nothing of the server): SQLite in a temporary folder, the
// embedded broker and the API on free ports, and a first administrator made the way the CLI
// makes one (straight into the record, with the secret hashed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClinicServer,
  type ClinicServerOptions,
  createLogger,
  hashSecret,
  startClinicServer,
} from '@klinik-desa/clinic-server';

export interface TestClinic {
  server: ClinicServer;
  url: string;
  admin: { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

export async function startTestClinic(options: Partial<ClinicServerOptions> = {}): Promise<TestClinic> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-sdk-'));
  const server = await startClinicServer({
    db: join(dir, 'clinic.db'),
    brokerPort: 0,
    httpPort: 0,
    // The server checks its own answers too: a mismatch then shows as a 500 here, not as an SDK bug.
    validateResponses: true,
    rateLimit: false,
    log: createLogger('silent'),
    ...options,
  });
  const admin = { clientId: 'admin.sdk-tests', clientSecret: 'admin-secret-for-sdk-tests' };
  await server.store.createClient({
    id: admin.clientId,
    role: 'admin',
    name: 'SDK tests',
    secretHash: hashSecret(admin.clientSecret),
    clinicId: null,
    kioskId: null,
    // An administrator of every clinic: the tests make kiosks and health workers in several.
    access: { all: true },
    createdAt: new Date().toISOString(),
  });
  return {
    server,
    url: server.httpUrl!,
    admin,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
