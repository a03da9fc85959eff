import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@klinik-desa/source', '--import', 'tsx', 'kiosk-agent/src/cli.ts', ...args],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('kiosk-agent protocols (the real CLI)', () => {
  it('lists one protocol a line, and the full descriptions as JSON', async () => {
    const [table, json] = await Promise.all([cli(['protocols']), cli(['protocols', '--json'])]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      'ad-scale',
      'tanita',
      'bayer-contour',
      'onetouch-ultra2',
      'contec-cms50d-plus',
      'ble-gateway',
      'gatt-2a35',
      'gatt-2a18',
      'gatt-2a9d',
      'gatt-2a9c',
      'gatt-2a1c',
      'gatt-2a5e',
      'gatt-2a5f',
    ]);
    expect(lines[2]).toMatch(/^bayer-contour\s+dialogue\s+serial 9600 8N1\s+glucose\s+Bayer/);
    const protocols = JSON.parse(json.stdout) as { id: string; serial?: object; framing: object }[];
    expect(protocols.find((p) => p.id === 'ad-scale')).toMatchObject({
      serial: { baudRate: 2400, dataBits: 7, parity: 'even', stopBits: 1 },
      framing: { type: 'line', delimiter: '\r\n' },
    });
  }, 60_000);

  it('lists a vendor driver loaded with --driver, and says why one cannot be loaded', async () => {
    const example = fileURLToPath(new URL('../../../examples/vendor-driver/src/index.ts', import.meta.url));
    const [vendor, missing] = await Promise.all([
      cli(['protocols', '--driver', example]),
      cli(['protocols', '--driver', '@vendor/not-installed']),
    ]);
    expect(vendor.code).toBe(0);
    expect(vendor.stdout).toMatch(/^timbang-ts200\s+stream\s+serial 9600 8N1\s+weight/m);
    expect(missing).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^DRIVER_REFUSED: driver "@vendor\/not-installed" refused \(PACKAGE_NOT_FOUND\): .*; fix: install it beside the agent/,
      ),
    });
  }, 60_000);

  it('rejects unknown options as a usage error (exit 2)', async () => {
    const run = await cli(['protocols', '--nope']);
    expect(run.code).toBe(2);
  }, 30_000);
});
