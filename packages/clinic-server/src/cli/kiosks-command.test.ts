import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors.js';
import { openStore } from '../store/open.js';
import { kiosksCommand } from './kiosks-command.js';

// Bad input of `clinic-server kiosks`, in process: every refusal is one line naming what was
// wrong and the fix, and nothing is made on the way to it. Broker behaviour is in
// packages/e2e/tests/kiosks-at-scale.test.ts, with real processes.
const dir = mkdtempSync(join(tmpdir(), 'kd-kiosks-command-'));
const db = join(dir, 'clinic.db');
const broker = ['--broker-url', 'mqtt://127.0.0.1:1883'];

async function kioskIds(): Promise<string[]> {
  const store = await openStore(db, { readonly: true });
  try {
    return (await store.kioskSecrets()).map((k) => k.username);
  } finally {
    await store.close();
  }
}

describe('clinic-server kiosks: bad input', () => {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  beforeAll(async () => {
    delete process.env['MQTT_ADMIN_PASSWORD'];
    const args = ['--db', db, '--clinic', 'clinic-a', '--count', '2', ...broker, '--new-clinic'];
    expect(await kiosksCommand(['provision', ...args, '--out', join(dir, 'first')])).toBe(0);
    expect(await kiosksCommand(['revoke', '--db', db, '--clinic', 'clinic-a', '--kiosk', 'kiosk-002'])).toBe(
      0,
    );
  });
  afterAll(() => {
    write.mockRestore();
    log.mockRestore();
  });

  const provision = (clinic: string, count: string, out: string) => [
    'provision',
    '--db',
    db,
    '--clinic',
    clinic,
    '--count',
    count,
    '--out',
    join(dir, out),
    ...broker,
  ];

  it.each<[RegExp, string[]]>([
    [
      /^clinic "clinic-typo" is unknown to this record .*add --new-clinic/,
      provision('clinic-typo', '2', 'x1'),
    ],
    [/^--clinic "clinic\/a" is not a clinic id: use 1-64 letters/, provision('clinic/a', '2', 'x1')],
    [/^--count must be a whole number from 1 to 1000, not "0"/, provision('clinic-a', '0', 'x2')],
    [/not "1001": for more kiosks, run provision again/, provision('clinic-a', '1001', 'x3')],
    [/not "many"/, provision('clinic-a', 'many', 'x3')],
    [/^--out .*first is not empty: give a new or empty folder/, provision('clinic-a', '1', 'first')],
    [
      /^kiosk "kiosk-999" of clinic "clinic-a" is not registered in this record: check --clinic and --kiosk/,
      ['revoke', '--db', db, '--clinic', 'clinic-a', '--kiosk', 'kiosk-999'],
    ],
    [
      /^kiosk "kiosk-001" of clinic "clinic-b" is not registered/,
      ['rotate', '--db', db, '--clinic', 'clinic-b', '--kiosk', 'kiosk-001'],
    ],
    [
      /^kiosk "kiosk-002" of clinic "clinic-a" is revoked: .*provision a new one/,
      ['rotate', '--db', db, '--clinic', 'clinic-a', '--kiosk', 'kiosk-002'],
    ],
    [/^--kiosk <kiosk id> is required/, ['rotate', '--db', db, '--clinic', 'clinic-a']],
    [
      /^--broker-url <url> is required/,
      ['rotate', '--db', db, '--clinic', 'clinic-a', '--kiosk', 'kiosk-001', '--out', join(dir, 'r')],
    ],
    [
      /^--broker-url must be a broker URL such as mqtts:/,
      [
        'provision',
        '--db',
        db,
        '--clinic',
        'clinic-a',
        '--count',
        '1',
        '--out',
        join(dir, 'x4'),
        '--broker-url',
        'http://x',
      ],
    ],
    [
      /^kiosks: unknown subcommand "launch"; use kiosks provision, kiosks rotate, kiosks revoke/,
      ['launch', '--db', db],
    ],
  ])('refuses with %s', async (message, args) => {
    const before = await kioskIds();
    const error = await kiosksCommand(args).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('USAGE');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect(await kioskIds()).toEqual(before);
  });

  it('kept the first run and made no folder for a refused one', async () => {
    expect(await kioskIds()).toEqual(['kiosk.clinic-a.kiosk-001']); // kiosk-002 is revoked
    expect(readdirSync(join(dir, 'first')).sort()).toEqual(['kiosk-001', 'kiosk-002']);
    expect(readdirSync(dir).filter((f) => /^(x\d|r)$/.test(f))).toEqual([]);
  });
});
