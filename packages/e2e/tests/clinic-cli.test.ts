import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clinicServerCli, createTestDatabase, startClinicServerProcess } from '@klinik-desa/testkit';
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

  it('writes the OpenAPI document that is committed in docs/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-cli-'));
    const out = join(dir, 'openapi.yaml');
    expect(clinicServerCli(['openapi', '--out', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      readFileSync(new URL('../../../docs/openapi.yaml', import.meta.url), 'utf8'),
    );
  });
});
