import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiTestClient,
  clinicServerCli,
  createAdminClient,
  createTestDatabase,
  startClinicServerProcess,
} from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';

describe('clinic-server CLI: the commands of the full server', () => {
  it('explains every command with --help', () => {
    const top = clinicServerCli(['--help']);
    for (const c of ['start', 'export', 'mosquitto-config', 'client', 'openapi']) {
      expect(top.stdout).toContain(c);
      const sub = clinicServerCli([c, '--help']);
      expect(sub.code, `${c} --help`).toBe(0);
      expect(sub.stdout).toMatch(/^Usage: clinic-server /);
    }
  });

  it.each([
    [
      ['start', '--db', 'x.db', '--port', 'http'],
      {},
      /^clinic-server: --port must be a whole number from 0 to 65535/,
    ],
    [['mosquitto-config', '--db', 'x.db', '--out', '/tmp'], {}, /^clinic-server: set MQTT_PASSWORD/],
    [
      ['client', 'create', '--db', 'x.db', '--role', 'kiosk', '--name', 'k'],
      {},
      /^clinic-server: --role must be admin or partner/,
    ],
    [
      ['start', '--db', 'x.db', '--config', '/nonexistent.yaml'],
      {},
      /^clinic-server: cannot read the config file/,
    ],
  ] as const)('refuses %j in one line', (args, env, message) => {
    const r = clinicServerCli([...args], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(message);
  });

  it('names each bad key of a config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-cli-'));
    const config = join(dir, 'clinic.yaml');
    writeFileSync(config, 'db: c.db\nbroker: { url: localhost }\nsatusehat: { environment: dev }\n');
    const r = clinicServerCli(['start', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/clinic\.yaml: broker\.url: .*fix: set it to the broker address/);
    expect(r.stderr).toMatch(/clinic\.yaml: satusehat\.environment: /);
  });

  it('starts on PostgreSQL from DATABASE_URL with --port 0, prints the port, and exports the record', async () => {
    const db = await createTestDatabase();
    try {
      const server = await startClinicServerProcess('clinic-server', ['--broker-port', '0'], {
        DATABASE_URL: db.url,
      });
      try {
        const health = await fetch(`${server.httpUrl}/readyz`);
        expect(await health.json()).toEqual({ status: 'ready', checks: { store: 'ok', broker: 'ok' } });
        // The password of a database URL never reaches the log.
        expect(server.process.output()).toContain(`${db.name}`);
        expect(server.process.output()).not.toContain('not-for-logs');
      } finally {
        await server.stop();
      }
      const exported = clinicServerCli(['export', '--db', db.url]);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toBe('');
    } finally {
      await db.drop();
    }
  });

  it('lists clients and revokes a lost administrator secret, which the API cannot do with its own token', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'kd-cli-')), 'clinic.db');
    const lost = createAdminClient(db);
    const kept = createAdminClient(db);
    const server = await startClinicServerProcess('clinic-server', ['--db', db, '--broker-port', '0']);
    try {
      const admin = await new ApiTestClient(server.httpUrl, lost.clientId, lost.clientSecret).signIn();
      expect((await admin.request('POST', `/clients/${lost.clientId}/revoke`)).status).toBe(409);

      const listed = clinicServerCli(['client', 'list', '--db', db, '--role', 'admin']);
      expect(listed.code, listed.stderr).toBe(0);
      const lines = listed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((c) => c['clientId']).sort()).toEqual([lost.clientId, kept.clientId].sort());
      expect(listed.stdout).not.toContain(lost.clientSecret);

      const revoked = clinicServerCli(['client', 'revoke', '--db', db, '--id', lost.clientId]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(JSON.parse(revoked.stdout)).toMatchObject({
        clientId: lost.clientId,
        revokedAt: expect.any(String),
      });
      // The running server refuses the next sign-in at once (its token cache holds old tokens up to 30 s).
      await expect(
        new ApiTestClient(server.httpUrl, lost.clientId, lost.clientSecret).signIn(),
      ).rejects.toThrow(/401/);
      const other = await new ApiTestClient(server.httpUrl, kept.clientId, kept.clientSecret).signIn();
      const audit = await other.request<{ data: Record<string, unknown>[] }>(
        'GET',
        `/audit-events?resourceType=client&resourceId=${lost.clientId}`,
      );
      expect(audit.body.data).toEqual([
        expect.objectContaining({ clientId: 'system.cli', action: 'revoke', requestId: null }),
      ]);
    } finally {
      await server.stop();
    }
    const unknown = clinicServerCli(['client', 'revoke', '--db', db, '--id', 'partner.nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^clinic-server: no client with id "partner.nobody" \(clinic-server client list shows them\)/,
    );
    expect(clinicServerCli(['client', 'list', '--db', db, '--role', 'robot']).stderr).toMatch(
      /--role must be admin, partner or kiosk, not "robot"/,
    );
  });

  it('writes the OpenAPI document that is committed in docs/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-cli-'));
    const out = join(dir, 'openapi.yaml');
    expect(clinicServerCli(['openapi', '--out', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      readFileSync(new URL('../../../docs/openapi.yaml', import.meta.url), 'utf8'),
    );
  });
});
