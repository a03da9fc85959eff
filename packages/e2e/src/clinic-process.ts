// A clinic server process (embedded broker on a free port, SQLite in a temporary folder) with an
// administrator of every clinic signed in, as the tests that attack or read it from outside need.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiTestClient,
  type ClinicServerProcess,
  createAdminClient,
  startClinicServerProcess,
} from '@klinik-desa/testkit';

export interface ClinicProcess {
  server: ClinicServerProcess;
  brokerUrl: string;
  /** The administrator of every clinic, signed in. */
  root: ApiTestClient;
  /** A request by `root` that must succeed: its body, or an error naming the answer. */
  made<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function startClinicProcess(folderPrefix: string): Promise<ClinicProcess> {
  const db = join(mkdtempSync(join(tmpdir(), folderPrefix)), 'clinic.db');
  const national = createAdminClient(db);
  const server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
  const [, brokerUrl] = await server.process.waitForLine(/listening on (mqtt:\/\/127\.0\.0\.1:\d+)/);
  const root = await new ApiTestClient(server.httpUrl, national.clientId, national.clientSecret).signIn();
  return {
    server,
    brokerUrl: brokerUrl!,
    root,
    async made<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await root.request<T>(method, path, body);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}
