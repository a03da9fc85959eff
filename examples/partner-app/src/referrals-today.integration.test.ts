// The dashboard against a real clinic server (SQLite in a temporary folder, embedded broker and API
// on free ports): as a function, and as the command a puskesmas runs.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClinicServer, createLogger, hashSecret, startClinicServer } from '@klinik-desa/clinic-server';
import { type Flag, newUuidV7, type Reading } from '@klinik-desa/protocol';
import { ClinicClient, PermissionDeniedError } from '@klinik-desa/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralsToday } from './referrals-today.js';

const CLINIC = 'kdmp-5103-002';
const URGENT: Flag = { code: 'bp.grade-3', severity: 'urgent', value: 'systolic' };
const REFER: Flag = { code: 'glucose.random.hyperglycaemia', severity: 'refer', value: 'glucose' };
const dir = mkdtempSync(join(tmpdir(), 'kd-partner-app-'));
let server: ClinicServer;
let partner: { clientId: string; clientSecret: string };
let client: ClinicClient;

function reading(overrides: Partial<Reading>): Reading {
  const at = new Date().toISOString();
  return {
    id: newUuidV7(),
    clinicId: CLINIC,
    kioskId: 'kiosk-1',
    device: { id: 'bp-1', protocol: 'gatt-2a35' },
    kind: 'blood-pressure',
    measuredAt: at,
    receivedAt: at,
    timeSource: 'kiosk',
    values: [{ name: 'systolic', code: '8480-6', value: 186, unit: 'mm[Hg]' }],
    flags: [],
    ...overrides,
  };
}

beforeAll(async () => {
  server = await startClinicServer({
    db: join(dir, 'clinic.db'),
    brokerPort: 0,
    httpPort: 0,
    rateLimit: false,
    validateResponses: true,
    log: createLogger('silent'),
  });
  await server.store.createClient({
    id: 'admin.partner-app-test',
    role: 'admin',
    name: 'test',
    secretHash: hashSecret('admin-secret'),
    clinicId: null,
    kioskId: null,
    access: { all: true },
    createdAt: new Date().toISOString(),
  });
  const baseUrl = server.httpUrl!;
  const admin = new ClinicClient({
    baseUrl,
    clientId: 'admin.partner-app-test',
    clientSecret: 'admin-secret',
  });
  partner = await admin.clients.create({ name: 'Puskesmas Ubud', role: 'partner', clinics: [CLINIC] });
  client = new ClinicClient({ baseUrl, ...partner });

  // A morning at the kiosk: two patients screened, one reading taken before a patient was chosen.
  const ketut = await client.patients.create({ name: 'Ketut Arsana', birthDate: '1958-06-30', sex: 'male' });
  const made = await client.patients.create({ name: 'Made Sari', birthDate: '1971-12-01', sex: 'female' });
  const first = await client.screenings.create({ patientId: made.id, clinicId: CLINIC, kioskId: 'kiosk-1' });
  const second = await client.screenings.create({
    patientId: ketut.id,
    clinicId: CLINIC,
    kioskId: 'kiosk-1',
  });
  await server.store.ingestReadings([
    reading({
      sessionId: first.id,
      kind: 'glucose',
      values: [{ name: 'glucose', code: '2339-0', value: 245, unit: 'mg/dL' }],
      flags: [REFER],
    }),
    reading({ sessionId: second.id, flags: [URGENT] }),
    reading({ kioskId: 'kiosk-1', flags: [URGENT] }),
    reading({
      sessionId: second.id,
      values: [{ name: 'systolic', code: '8480-6', value: 124, unit: 'mm[Hg]' }],
    }),
  ]);
  // One referral already dealt with: it is not on the dashboard.
  const [done] = await client.referrals.list({ severity: 'urgent', patientId: ketut.id }).toArray();
  await client.referrals.acknowledge(done!.id);
  await server.store.ingestReadings([reading({ sessionId: second.id, flags: [URGENT] })]);
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("today's referrals", () => {
  it('lists the open ones, urgent first, each with its patient', async () => {
    const rows = await referralsToday(client, { clinicId: CLINIC });
    // Urgent first, then oldest first: the stray reading came before Ketut's second one.
    expect(rows.map((r) => [r.referral.severity, r.patient?.name ?? null])).toEqual([
      ['urgent', null],
      ['urgent', 'Ketut Arsana'],
      ['refer', 'Made Sari'],
    ]);
    expect(rows.every((r) => r.referral.status === 'open')).toBe(true);
  });

  it("leaves out another day's referrals and another clinic's", async () => {
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    expect(await referralsToday(client, { clinicId: CLINIC, now: tomorrow })).toEqual([]);
    // The partner acts for its own clinic only: another clinic's list is refused, not answered.
    await expect(referralsToday(client, { clinicId: 'kdmp-0000-000' })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it('runs as a command with the credentials from the environment', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    // Asynchronous: the server answering the command runs in this process.
    const run = (secret: string) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ['--conditions=@klinik-desa/source', '--import', 'tsx', cli, '--clinic', CLINIC],
          {
            encoding: 'utf8',
            timeout: 60_000,
            env: {
              ...process.env,
              CLINIC_API_URL: server.httpUrl,
              CLINIC_CLIENT_ID: partner.clientId,
              CLINIC_CLIENT_SECRET: secret,
            },
          },
          (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
        );
      });
    const ok = await run(partner.clientSecret);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Rujukan hari ini, \d{4}-\d{2}-\d{2} \(Asia\/Jakarta\), kdmp-5103-002$/);
    expect(lines[1]).toMatch(
      /^ {2}URGENT +\d\d:\d\d {2}\(tanpa pasien\) +kiosk-1 +bp\.grade-3 \(systolic\)$/,
    );
    expect(lines[2]).toMatch(/^ {2}URGENT +\d\d:\d\d {2}Ketut Arsana \(L, \d+ th\) +kiosk-1 +bp\.grade-3/);
    expect(lines[3]).toMatch(/^ {2}REFER +\d\d:\d\d {2}Made Sari \(P, \d+ th\) +kiosk-1 +glucose\.random/);
    expect(lines[4]).toBe('3 rujukan terbuka (2 urgent, 1 refer)');

    const refused = await run('wrong-secret');
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain('refused these credentials (INVALID_CLIENT)');
    expect(refused.stderr).not.toContain('wrong-secret');
  });
});
