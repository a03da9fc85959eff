import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_API_VERSION } from './driver-api.js';
import { DriverError } from './errors.js';
import { loadDriverPackage } from './plugins.js';
import { decode, getDriver, listProtocols, registerDriver, unregisterDriver } from './registry.js';
import type { SimulatedDriver } from './simulate/index.js';

const fake = (id: string): SimulatedDriver => ({
  id,
  vendor: 'Test',
  models: ['T-1'],
  transport: 'serial',
  kinds: ['weight'],
  mode: 'stream',
  framing: { type: 'line', delimiter: '\n', maxFrameBytes: 32 },
  decode: () => ({ kind: 'weight', weight: { value: 1, unit: 'kg' } }),
  encode: () => new Uint8Array(0),
});

afterEach(() => {
  for (const id of ['test-one', 'test-two', 'test-three']) unregisterDriver(id);
});

describe('driver plugins', () => {
  it('loads every driver a package exports (default, driver, drivers) and registers them', async () => {
    const one = fake('test-one');
    const two = fake('test-two');
    const loaded = await loadDriverPackage('@vendor/scales', {
      importModule: async () => ({ driverApiVersion: DRIVER_API_VERSION, default: one, drivers: [one, two] }),
    });
    expect(loaded.map((d) => d.id)).toEqual(['test-one', 'test-two']);
    expect(getDriver('test-two')).toBe(two);
    expect(listProtocols().map((p) => p.id)).toContain('test-one');
    expect(decode('test-one', 'x')).toMatchObject({ ok: true });
  });

  it('names every problem of a malformed driver', async () => {
    const broken = { ...fake('Bad Id'), framing: { type: 'custom', maxFrameBytes: 0 }, decode: 'nope' };
    const error = await loadDriverPackage('@vendor/broken', {
      importModule: async () => ({ driverApiVersion: DRIVER_API_VERSION, driver: broken }),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect(error.code).toBe('INVALID_DRIVER');
    expect(error.message).toMatch(/kebab-case/);
    expect(error.message).toMatch(/maxFrameBytes/);
    expect(error.message).toMatch(/createFramer/);
    expect(error.message).toMatch(/decode must be a function/);
  });

  it('tells a missing package from a package with no drivers', async () => {
    await expect(
      loadDriverPackage('@vendor/missing', {
        importModule: async () => {
          throw Object.assign(new Error("Cannot find package '@vendor/missing'"), {
            code: 'ERR_MODULE_NOT_FOUND',
          });
        },
      }),
    ).rejects.toMatchObject({ code: 'PACKAGE_NOT_FOUND' });
    await expect(
      loadDriverPackage('@vendor/throws', {
        importModule: async () => {
          throw new TypeError('x is not a function');
        },
      }),
    ).rejects.toMatchObject({ code: 'IMPORT_FAILED', message: /throws while loading: x is not a function/ });
    await expect(
      loadDriverPackage('@vendor/empty', {
        importModule: async () => ({ driverApiVersion: DRIVER_API_VERSION, helper: 1 }),
      }),
    ).rejects.toMatchObject({
      code: 'NO_DRIVERS_EXPORTED',
    });
  });

  it('loads a driver built for this major of the driver API and refuses any other, with the fix', async () => {
    const [major, minor] = DRIVER_API_VERSION.split('.').map(Number) as [number, number];
    const load = (driverApiVersion: unknown) =>
      loadDriverPackage('@vendor/versioned', {
        importModule: async () => ({ driverApiVersion, default: fake('test-one') }),
        register: false,
      });
    await expect(load(`${major}.${minor + 1}.0`)).resolves.toHaveLength(1);
    await expect(load(`${major + 1}.0.0`)).rejects.toMatchObject({
      code: 'INCOMPATIBLE_API',
      message: new RegExp(
        `built for driver API ${major + 1}\\.0\\.0.*fix: install a version .* ${major}\\.x`,
      ),
    });
    await expect(load(undefined)).rejects.toMatchObject({
      code: 'INCOMPATIBLE_API',
      message: /declares no driver API version; fix: export const driverApiVersion/,
    });
    await expect(load('one')).rejects.toMatchObject({ code: 'INCOMPATIBLE_API' });
  });

  it('refuses a second driver with a taken id, built-in ones included', () => {
    registerDriver(fake('test-three'));
    expect(() => registerDriver(fake('test-three'))).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_PROTOCOL' }),
    );
    expect(() => registerDriver(fake('ad-scale'))).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_PROTOCOL' }),
    );
    expect(unregisterDriver('ad-scale')).toBe(false);
  });

  it('validates without registering when asked', async () => {
    await loadDriverPackage('x', {
      importModule: async () => ({ driverApiVersion: DRIVER_API_VERSION, default: fake('test-one') }),
      register: false,
    });
    expect(decode('test-one', 'x')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROTOCOL' } });
  });
});

describe('registry', () => {
  it('lists every built-in protocol with what the agent needs to open it', () => {
    const protocols = listProtocols();
    expect(protocols.map((p) => p.id)).toEqual([
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
    for (const protocol of protocols) {
      expect(protocol).not.toHaveProperty('decode');
      expect(protocol).not.toHaveProperty('createDialogue');
      if (protocol.transport === 'serial') expect(protocol.serial).toBeDefined();
    }
    expect(protocols.filter((p) => p.mode === 'dialogue').map((p) => p.id)).toEqual([
      'bayer-contour',
      'onetouch-ultra2',
      'ble-gateway',
    ]);
  });

  it('never throws from decode, even when a driver has a bug', () => {
    registerDriver({
      ...fake('test-two'),
      decode: () => {
        throw new TypeError('oops');
      },
    });
    expect(decode('test-two', 'x')).toMatchObject({
      ok: false,
      error: { code: 'BAD_FORMAT', message: expect.stringMatching(/oops/) },
    });
  });
});
