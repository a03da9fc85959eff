import {
  DEVICE_ANNUNCIATION_NAMES,
  type DeviceAnnunciation,
  type DeviceMeasurement,
  DeviceMeasurement as DeviceMeasurementSchema,
} from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes.js';
import { GLUCOSE_SENSOR_STATUS_BITS } from './gatt/glucose.js';
import { PLX_DEVICE_STATUS_BITS, PLX_MEASUREMENT_STATUS_BITS } from './gatt/plx.js';
import { decode } from './registry.js';
import { encode } from './simulate/index.js';

const BP: DeviceMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 120, unit: 'mm[Hg]' },
  diastolic: { value: 80, unit: 'mm[Hg]' },
  meanArterialPressure: { value: 93, unit: 'mm[Hg]' },
};
const GLUCOSE: DeviceMeasurement = {
  kind: 'glucose',
  concentration: { value: 110, unit: 'mg/dL' },
  sequenceNumber: 1,
  deviceTime: '2025-03-01T08:00:00',
};
const OXIMETRY: DeviceMeasurement = {
  kind: 'pulse-oximetry',
  spo2: { value: 97, unit: '%' },
  pulseRate: { value: 70, unit: '/min' },
};

/** How a built-in decoder is made to say each member: a protocol and what its simulator encodes. */
function frameSaying(member: DeviceAnnunciation): { protocol: string; frame: Uint8Array | string } {
  const said = <M extends DeviceMeasurement>(protocol: string, base: M) => ({
    protocol,
    frame: encode(protocol, { ...base, annunciations: [member] }),
  });
  switch (member) {
    case 'body-movement':
    case 'cuff-too-loose':
    case 'irregular-pulse':
    case 'pulse-rate-above-upper-limit':
    case 'pulse-rate-below-lower-limit':
    case 'improper-measurement-position':
      return said('gatt-2a35', BP);
    case 'device-time-invalid':
      // A blood pressure stamped 13/22 of 2025: the monitor's clock sent no calendar date.
      return { protocol: 'gatt-2a35', frame: fromHex('02780050005d00e9070d16091e05') };
    case 'device-clock-not-set':
      return said('gatt-2a5e', OXIMETRY);
    case 'finger-out':
    case 'spo2-dropping':
    case 'probe-error':
    case 'searching':
      return said('contec-cms50d-plus', OXIMETRY);
    case 'record-parity-error':
      return said('onetouch-ultra2', { ...GLUCOSE, deviceTime: '2025-03-01T08:00:00' });
    case 'overload':
      return { protocol: 'ad-scale', frame: 'OL,+9999999  kg\r\n' };
    case 'unstable':
      return said('ad-scale', { kind: 'weight', weight: { value: 62.45, unit: 'kg' } });
    default:
      if ((GLUCOSE_SENSOR_STATUS_BITS as readonly string[]).includes(member))
        return said('gatt-2a18', GLUCOSE);
      if (
        (PLX_MEASUREMENT_STATUS_BITS as readonly (string | null)[]).includes(member) ||
        (PLX_DEVICE_STATUS_BITS as readonly string[]).includes(member)
      ) {
        return said('gatt-2a5f', OXIMETRY);
      }
      throw new Error(`no decoder is known to say ${member}: add it here or drop it from the vocabulary`);
  }
}

describe('the one vocabulary of what devices say', () => {
  it.each(DEVICE_ANNUNCIATION_NAMES)('%s: a built-in decoder says it, and says only members', (member) => {
    const { protocol, frame } = frameSaying(member);
    const result = decode(protocol, frame);
    if (!result.ok) throw result.error;
    expect(result.measurement.annunciations).toContain(member);
    expect(DeviceMeasurementSchema.safeParse(result.measurement).success).toBe(true);
  });

  it('refuses a measurement naming something outside the vocabulary', () => {
    const parsed = DeviceMeasurementSchema.safeParse({ ...BP, annunciations: ['cuff-fit-too-loose'] });
    expect(parsed.success).toBe(false);
  });
});
