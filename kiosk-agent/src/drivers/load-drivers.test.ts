import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DRIVER_API_VERSION, hasDriver, unregisterDriver } from '@klinik-desa/devices';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DRIVER_BUDGET } from './driver-budget.js';
import { loadKioskDrivers } from './load-drivers.js';

const driverModule = (id: string, apiVersion = DRIVER_API_VERSION, extra = '') => `${extra}
export const driverApiVersion = '${apiVersion}';
export default {
  id: '${id}', vendor: 'V', models: ['M'], transport: 'serial', kinds: ['weight'], mode: 'stream',
  framing: { type: 'line', delimiter: '\\n', maxFrameBytes: 64 },
  decode() { return { kind: 'weight', weight: { value: 1, unit: 'kg' } }; },
  encode() { return new Uint8Array(); },
};
`;

// A kiosk folder: kiosk.yaml's place, packages installed beside it, and local driver folders.
const kiosk = mkdtempSync(join(tmpdir(), 'kd-load-drivers-'));
function put(path: string, text: string): void {
  mkdirSync(join(kiosk, path, '..'), { recursive: true });
  writeFileSync(join(kiosk, path), text);
}
put(
  'node_modules/@vendor/scale/package.json',
  JSON.stringify({ name: '@vendor/scale', type: 'module', exports: { '.': { import: './dist/index.js' } } }),
);
put('node_modules/@vendor/scale/dist/index.js', driverModule('vendor-scale'));
put('drivers/local/package.json', JSON.stringify({ type: 'module', main: 'main.js' }));
put('drivers/local/main.js', driverModule('local-scale'));
put(
  'drivers/throws.mjs',
  driverModule('throws-scale', DRIVER_API_VERSION, "throw new Error('no licence key');"),
);
put('drivers/hangs.mjs', driverModule('hangs-scale', DRIVER_API_VERSION, 'for (;;) {}'));
put('drivers/old.mjs', driverModule('old-scale', '0.9.0'));
put('drivers/same-id.mjs', driverModule('vendor-scale'));

afterEach(() => {
  for (const id of ['vendor-scale', 'local-scale', 'throws-scale', 'old-scale']) unregisterDriver(id);
});
afterAll(() => rmSync(kiosk, { recursive: true, force: true }));

describe('loadKioskDrivers', () => {
  it('loads packages installed beside kiosk.yaml and paths relative to it, and registers their drivers', async () => {
    const { loaded, refused } = await loadKioskDrivers(['@vendor/scale', './drivers/local'], kiosk);
    expect(refused).toEqual([]);
    expect(loaded.map((p) => [p.spec, p.file, p.drivers.map((d) => d.id)])).toEqual([
      ['@vendor/scale', join(kiosk, 'node_modules/@vendor/scale/dist/index.js'), ['vendor-scale']],
      ['./drivers/local', join(kiosk, 'drivers/local/main.js'), ['local-scale']],
    ]);
    expect(hasDriver('vendor-scale') && hasDriver('local-scale')).toBe(true);
  });

  it('refuses each bad one with one line naming it, its reason and the fix, and loads the rest', async () => {
    const { loaded, refused } = await loadKioskDrivers(
      [
        '@vendor/missing',
        './drivers/throws.mjs',
        './drivers/hangs.mjs',
        './drivers/old.mjs',
        '@vendor/scale',
        './drivers/same-id.mjs',
      ],
      kiosk,
      { ...DRIVER_BUDGET, startMs: 1000 },
    );
    expect(loaded.map((p) => p.spec)).toEqual(['@vendor/scale']);
    expect(refused.map((r) => [r.code, r.reason, r.spec])).toEqual([
      ['DRIVER_REFUSED', 'PACKAGE_NOT_FOUND', '@vendor/missing'],
      ['DRIVER_REFUSED', 'IMPORT_FAILED', './drivers/throws.mjs'],
      ['DRIVER_REFUSED', 'IMPORT_FAILED', './drivers/hangs.mjs'],
      ['DRIVER_REFUSED', 'INCOMPATIBLE_API', './drivers/old.mjs'],
      ['DRIVER_REFUSED', 'DUPLICATE_PROTOCOL', './drivers/same-id.mjs'],
    ]);
    for (const r of refused) expect(r.message).not.toContain('\n');
    expect(refused[0]?.message).toMatch(
      /^driver "@vendor\/missing" refused \(PACKAGE_NOT_FOUND\): .*; fix: install it beside the agent \(npm install @vendor\/missing in /,
    );
    expect(refused[1]?.message).toMatch(/cannot be loaded: no licence key; fix: ask the driver's maker/);
    expect(refused[2]?.message).toMatch(/it cannot be loaded: it did not finish loading within \d+ ms/);
    expect(refused[3]?.message).toMatch(
      /built for driver API 0\.9\.0.*fix: install a version of the driver made for driver API 1\.x$/,
    );
    expect(hasDriver('throws-scale') || hasDriver('old-scale')).toBe(false);
  });
});
