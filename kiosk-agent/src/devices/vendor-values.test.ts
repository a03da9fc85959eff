import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodeError, VendorValue } from '@klinik-desa/devices';
import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { DRIVER_BUDGET } from '../drivers/driver-budget.js';
import type { DriverFailure } from '../drivers/frame-decoder.js';
import { WorkerDecoder } from '../drivers/worker-decoder.js';
import { createLogger } from '../logger.js';
import { VendorValueRouter } from './vendor-values.js';

// Two vendor drivers as packages would give them: a thermometer whose first byte is the value, and
// one whose decode throws on every value.
const dir = mkdtempSync(join(tmpdir(), 'kd-vendor-values-'));
writeFileSync(
  join(dir, 'therm.mjs'),
  `export default { id: 'therm', decode(v) {
    if (v[0] === 0) { const e = new Error('therm: marker 0x00 is not 0xA5'); e.name = 'DecodeError'; e.code = 'BAD_FORMAT'; throw e; }
    return { kind: 'temperature', temperature: { value: v[0], unit: 'Cel' }, sequenceNumber: v[1] };
  } };`,
);
writeFileSync(join(dir, 'broken.mjs'), `export default { id: 'broken', decode(v) { return v.no.such; } };`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const THERMOMETER = 'C4:7F:51:00:00:19';
const OTHER = 'C4:7F:51:00:00:20';
const value = (driverId: string, address: string, bytes: number[]): VendorValue => ({
  driverId,
  deviceAddress: address.toLowerCase(),
  service: '7b3a0001-5c1e-4d2b-9f00-4b4450000001',
  characteristic: '7b3a0002-5c1e-4d2b-9f00-4b4450000001',
  value: Uint8Array.from(bytes),
});

describe('values of vendor devices behind a gateway', () => {
  it('decode in their driver’s worker, in order, tagged with the device; a failing driver takes only its device off', async () => {
    const budget = { ...DRIVER_BUDGET, maxFailures: 3 };
    const decoders = new Map([
      ['therm', new WorkerDecoder(join(dir, 'therm.mjs'), 'therm', budget)],
      ['broken', new WorkerDecoder(join(dir, 'broken.mjs'), 'broken', budget)],
    ]);
    const measured: [string, DeviceMeasurement][] = [];
    const errors: DecodeError[] = [];
    const failures: [DriverFailure, boolean, string][] = [];
    const router = new VendorValueRouter(
      decoders,
      budget,
      {
        onMeasurement: (driverId, m) => measured.push([driverId, m]),
        onDecodeError: (e) => errors.push(e),
        onDriverFailure: (f, off, address) => failures.push([f, off, address]),
      },
      createLogger('silent'),
      'gateway-1',
    );
    router.accept([value('therm', THERMOMETER, [37, 1]), value('broken', OTHER, [1])]);
    router.accept([value('therm', THERMOMETER, [0, 2]), value('broken', OTHER, [2])]);
    router.accept([value('broken', OTHER, [3]), value('therm', THERMOMETER, [38, 3])]);
    // Off after its third failure: the fourth is not even decoded.
    router.accept([value('broken', OTHER, [4]), value('therm', THERMOMETER, [39, 4])]);
    await router.settled();
    await router.close();

    expect(measured).toEqual(
      [37, 38, 39].map((t, i) => [
        'therm',
        {
          kind: 'temperature',
          temperature: { value: t, unit: 'Cel' },
          sequenceNumber: i === 0 ? 1 : i + 2,
          extra: { deviceAddress: THERMOMETER },
        },
      ]),
    );
    expect(errors.map((e) => [e.code, e.protocol, e.message])).toEqual([
      ['BAD_FORMAT', 'therm', 'therm: marker 0x00 is not 0xA5'],
    ]);
    expect(failures.map(([f, off, address]) => [f.code, f.driverId, off, address])).toEqual([
      ['DRIVER_THREW', 'broken', false, OTHER],
      ['DRIVER_THREW', 'broken', false, OTHER],
      ['DRIVER_THREW', 'broken', true, OTHER],
    ]);
    expect(failures[0]?.[0].message).toMatch(/decode threw: Cannot read properties of undefined/);
  });
});
