import type { DeviceStatus } from '@klinik-desa/protocol';
import { DeviceStatus as DeviceStatusSchema } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { describeBehindGateway, noteBehindGateway } from './behind-gateway.js';

const MONITOR = 'A0:11:22:33:44:01';
const METER = 'A0:11:22:33:44:02';

function gatewayStatus(): DeviceStatus {
  return { id: 'gateway-1', protocol: 'ble-gateway', state: 'connected', errors: {} };
}

describe('devices behind a gateway in the port’s status', () => {
  it('keeps what each device said of itself and its clock, and says it as the worker reads it', () => {
    const status = gatewayStatus();
    const identified = {
      type: 'device-identified',
      detail: {
        address: MONITOR,
        manufacturer: 'A&D Medical',
        model: 'UA-651BLE',
        serialNumber: '5140300123',
      },
    };
    expect(noteBehindGateway(status, identified)).toBe(true);
    expect(
      noteBehindGateway(status, {
        type: 'device-clock',
        detail: { address: MONITOR, state: 'set', at: '2026-12-08T01:30:15.000Z' },
      }),
    ).toBe(true);
    noteBehindGateway(status, { type: 'device-clock', detail: { address: METER, state: 'unsupported' } });
    expect(DeviceStatusSchema.parse(status)).toEqual(status);
    expect(status.behind?.map(describeBehindGateway)).toEqual([
      `${MONITOR}: A&D Medical UA-651BLE, serial 5140300123, clock set at 2026-12-08T01:30:15.000Z`,
      `${METER}: clock cannot be set (no Current Time Service)`,
    ]);
    // Set again on the next connection: the newer time replaces the older.
    noteBehindGateway(status, {
      type: 'device-clock',
      detail: { address: MONITOR, state: 'set', at: '2026-12-08T02:00:00.000Z' },
    });
    expect(status.behind?.[0]?.clock).toEqual({ state: 'set', at: '2026-12-08T02:00:00.000Z' });
  });

  it('says why a clock was not set when the device refused the time', () => {
    const status = gatewayStatus();
    noteBehindGateway(status, {
      type: 'device-clock',
      detail: { address: METER, state: 'failed', reason: 'GATT_ERROR ATT error 0x80' },
    });
    expect(describeBehindGateway(status.behind![0]!)).toBe(
      `${METER}: clock not set (GATT_ERROR ATT error 0x80)`,
    );
  });

  it('ignores events that say nothing about a device behind the gateway, and bad addresses', () => {
    const status = gatewayStatus();
    expect(noteBehindGateway(status, { type: 'device-connected', detail: { address: MONITOR } })).toBe(false);
    expect(
      noteBehindGateway(status, { type: 'device-clock', detail: { address: 'nope!', state: 'set' } }),
    ).toBe(false);
    expect(
      noteBehindGateway(status, { type: 'device-clock', detail: { address: MONITOR, state: 'odd' } }),
    ).toBe(false);
    expect(status).not.toHaveProperty('behind');
  });
});
