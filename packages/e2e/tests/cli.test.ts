import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_CLI, runTsCli, SERVER_CLI } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';

describe('the CLIs explain themselves and refuse bad input in one line', () => {
  it('print their options with --help', () => {
    for (const [entry, commands] of [
      [SERVER_CLI, ['start', 'export']],
      [AGENT_CLI, ['start', 'simulate']],
    ] as const) {
      const top = runTsCli(entry, ['--help']);
      expect(top.code).toBe(0);
      for (const c of commands) expect(top.stdout).toContain(c);
      for (const c of commands) {
        const sub = runTsCli(entry, [c, '--help']);
        expect(sub.code, `${c} --help`).toBe(0);
        expect(sub.stdout).toMatch(/Usage: /);
      }
    }
  });

  it.each([
    ['clinic-server', ['start'], /^clinic-server: --db <sqlite path> is required$/],
    [
      'clinic-server',
      ['start', '--db', 'x.db', '--broker', 'localhost'],
      /^clinic-server: --broker must be a URL/,
    ],
    [
      'clinic-server',
      ['start', '--db', 'x.db', '--broker-port', 'abc'],
      /^clinic-server: --broker-port must be a whole number/,
    ],
    ['clinic-server', ['start', '--db', 'x.db', '--colour'], /^clinic-server: Unknown option '--colour'/],
    ['clinic-server', ['export', '--db', '/nonexistent/clinic.db'], /^clinic-server: no clinic database at/],
    ['clinic-server', ['frobnicate'], /^clinic-server: unknown command "frobnicate"/],
    ['kiosk-agent', ['start'], /^kiosk-agent start: --config <kiosk.yaml> is required$/],
    [
      'kiosk-agent',
      ['start', '--config', '/nonexistent.yaml'],
      /^kiosk-agent start: cannot read the config file/,
    ],
    ['kiosk-agent', ['frobnicate'], /^kiosk-agent: unknown command "frobnicate"/],
  ])('%s %j', (name, args, message) => {
    const r = runTsCli(name === 'clinic-server' ? SERVER_CLI : AGENT_CLI, args);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toMatch(message);
  });

  it('names every bad key of a kiosk config, with its fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-cli-'));
    const config = join(dir, 'kiosk.yaml');
    writeFileSync(
      config,
      'kiosk: { id: kiosk-1, clinicId: c1 }\nmqtt: { url: "localhost" }\noutbox: { path: o.db }\ndevices:\n  - { id: scale-1, protocol: ad-scale, port: /dev/ttyUSB0, baudRate: fast }\n',
    );
    const r = runTsCli(AGENT_CLI, ['start', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mqtt\.url: .*fix: set it to the broker address/);
    expect(r.stderr).toMatch(/devices\.0\.baudRate: .*fix: set it to the device's baud rate/);
  });

  it('names a taken broker port that was asked for explicitly', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'kd-cli-'));
      const r = runTsCli(SERVER_CLI, ['start', '--db', join(dir, 'c.db'), '--broker-port', String(port)]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim()).toBe(
        `clinic-server: MQTT port ${port} on 127.0.0.1 is already in use: choose another with --broker-port, or 0 for a free one`,
      );
    } finally {
      blocker.close();
    }
  });
});
