import { describe, expect, it } from 'vitest';
import { bluetoothProblems, gatewaySubscriptionsOf, normalizeUuid } from './bluetooth.js';
import { driverProblems } from './plugin-shape.js';

const SERVICE = '7B3A0001-5C1E-4D2B-9F00-4B4450000001';
const profile = {
  notifications: [{ service: SERVICE, characteristic: '7B3A0002-5C1E-4D2B-9F00-4B4450000001' }],
  writes: [
    {
      service: SERVICE,
      characteristic: '7B3A0003-5C1E-4D2B-9F00-4B4450000001',
      when: 'connected' as const,
      value: '01',
      purpose: 'start a measurement',
    },
  ],
};

describe('a driver’s Bluetooth declaration', () => {
  it('is accepted with 128-bit or 16-bit UUIDs, and given to the gateway in its spelling', () => {
    expect(bluetoothProblems(profile)).toEqual([]);
    expect(normalizeUuid('0x2A1C')).toBe('2a1c');
    expect(normalizeUuid('00002a1c-0000-1000-8000-00805f9b34fb')).toBe('2a1c');
    expect(normalizeUuid('7b3a0001-5c1e-4d2b-9f00-4b44500000')).toBeUndefined();
    const subscriptions = gatewaySubscriptionsOf(profile);
    expect(subscriptions.notifications[0]).toEqual({
      service: SERVICE.toLowerCase(),
      characteristic: '7b3a0002-5c1e-4d2b-9f00-4b4450000001',
    });
    expect([...(subscriptions.writes[0]?.value ?? [])]).toEqual([1]);
  });

  it('names each wrong field and what it should be', () => {
    expect(bluetoothProblems({ notifications: [] })).toEqual([
      'bluetooth.notifications must list at least one { service, characteristic }',
    ]);
    const five = Array.from({ length: 5 }, () => profile.notifications[0]);
    expect(bluetoothProblems({ notifications: five })[0]).toMatch(
      /lists 5; the gateway subscribes to at most 4/,
    );
    expect(
      bluetoothProblems({
        notifications: [{ service: 'thermo', characteristic: '2a1c' }],
        writes: [{ ...profile.writes[0], when: 'later', value: '1', purpose: '' }],
      }),
    ).toEqual([
      'bluetooth.notifications[0].service "thermo" is not a 16-bit ("2a1c") or 128-bit ("7b3a0002-5c1e-4d2b-9f00-4b4450000001") UUID',
      'bluetooth.writes[0].when must be "connected"',
      'bluetooth.writes[0].value must be 1–240 bytes as hex, e.g. "01"',
      'bluetooth.writes[0].purpose must say what the write asks of the device',
    ]);
  });

  it('belongs to a driver of transport ble-gateway', () => {
    const driver = {
      id: 'kd-therm',
      vendor: 'KD',
      models: ['KD-Therm V1'],
      transport: 'serial',
      kinds: ['temperature'],
      mode: 'stream',
      framing: { type: 'packet', maxFrameBytes: 20 },
      decode: () => undefined,
      encode: () => undefined,
      bluetooth: profile,
    };
    expect(driverProblems(driver)).toEqual(['a driver that declares bluetooth has transport "ble-gateway"']);
    expect(driverProblems({ ...driver, transport: 'ble-gateway' })).toEqual([]);
  });
});
