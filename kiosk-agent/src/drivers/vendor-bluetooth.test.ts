import { type DeviceDriver, DriverError } from '@klinik-desa/devices';
import { describe, expect, it } from 'vitest';
import type { DeviceConfig } from '../config/config.js';
import { DriverRefusedError, type KioskDrivers } from './load-drivers.js';
import { planVendorBluetooth } from './vendor-bluetooth.js';

const SERVICE = '7B3A0001-5C1E-4D2B-9F00-4B4450000001';
const base = {
  vendor: 'KD Medika',
  models: ['KD-Therm V1'],
  kinds: ['temperature'],
  mode: 'stream',
  decode: () => {
    throw new DriverError('INVALID_DRIVER', 'not called here');
  },
} as const;
const thermometer: DeviceDriver = {
  ...base,
  id: 'kd-therm',
  transport: 'ble-gateway',
  framing: { type: 'packet', maxFrameBytes: 20 },
  bluetooth: {
    notifications: [{ service: SERVICE, characteristic: '7B3A0002-5C1E-4D2B-9F00-4B4450000001' }],
    writes: [
      {
        service: SERVICE,
        characteristic: '7B3A0003-5C1E-4D2B-9F00-4B4450000001',
        when: 'connected',
        value: '01',
        purpose: 'start a measurement',
      },
    ],
  },
};
const serialScale: DeviceDriver = {
  ...base,
  id: 'timbang-ts200',
  transport: 'serial',
  framing: { type: 'line', delimiter: '\r\n', maxFrameBytes: 80 },
};
const drivers: KioskDrivers = {
  loaded: [
    { spec: '@acme/kd-therm', file: '/opt/kd-therm/index.js', drivers: [thermometer] },
    { spec: '@timbang/ts200', file: '/opt/ts200/index.js', drivers: [serialScale] },
  ],
  refused: [
    new DriverRefusedError('@acme/old-therm', 'INCOMPATIBLE_API', 'driver "@acme/old-therm" refused'),
  ],
};
const gateway = (devices: unknown[]): DeviceConfig => ({
  id: 'gateway-1',
  protocol: 'ble-gateway',
  port: '/dev/ttyUSB0',
  dialogue: { devices },
});

describe('devices behind the gateway that name a vendor-Bluetooth driver', () => {
  it('get their driver’s subscriptions and writes; standard-profile devices pass as they are', () => {
    const plan = planVendorBluetooth(
      gateway([{ address: 'C4:7F:51:00:00:19', driver: '@acme/kd-therm' }, { address: 'A0:11:22:33:44:01' }]),
      drivers,
      'devices.0',
    );
    expect(plan.problems).toEqual([]);
    expect([...plan.drivers.keys()]).toEqual(['kd-therm']);
    const [vendor, standard] = (plan.dialogue?.['devices'] ?? []) as Record<string, unknown>[];
    expect(vendor).toMatchObject({
      driver: '@acme/kd-therm',
      vendor: {
        driverId: 'kd-therm',
        subscriptions: {
          notifications: [
            { service: SERVICE.toLowerCase(), characteristic: '7b3a0002-5c1e-4d2b-9f00-4b4450000001' },
          ],
          writes: [{ characteristic: '7b3a0003-5c1e-4d2b-9f00-4b4450000001', value: Uint8Array.of(1) }],
        },
      },
    });
    expect(standard).toEqual({ address: 'A0:11:22:33:44:01' });
  });

  it('are refused in one line naming the device, the driver and the fix; the others stay', () => {
    const plan = planVendorBluetooth(
      gateway([
        { address: 'C4:7F:51:00:00:01', driver: '@acme/nowhere' },
        { address: 'C4:7F:51:00:00:02', driver: '@timbang/ts200' },
        { address: 'C4:7F:51:00:00:03', driver: '@acme/old-therm' },
        { address: 'C4:7F:51:00:00:04', driver: 7 },
        { address: 'A0:11:22:33:44:01' },
      ]),
      drivers,
      'devices.2',
    );
    expect(plan.problems).toEqual([
      'devices.2.dialogue.devices.0.driver: BLE device C4:7F:51:00:00:01 names driver "@acme/nowhere", which is not loaded; fix: add "@acme/nowhere" to drivers: in kiosk.yaml and install it beside the agent',
      'devices.2.dialogue.devices.1.driver: BLE device C4:7F:51:00:00:02 names driver "@timbang/ts200", which declares no Bluetooth (its driver timbang-ts200 gives no `bluetooth`); fix: name a driver made for a vendor-Bluetooth device, or remove driver: for a device that speaks a standard health profile',
      'devices.2.dialogue.devices.2.driver: BLE device C4:7F:51:00:00:03 names driver "@acme/old-therm", which was refused at start (see its line); fix: install a working version of it',
      'devices.2.dialogue.devices.3.driver: must name a driver package listed in drivers:, e.g. "@acme/kd-therm"',
    ]);
    expect(plan.dialogue?.['devices']).toEqual([{ address: 'A0:11:22:33:44:01' }]);
  });
});
