import type { DeviceAnnunciation, DeviceMeasurement } from '@klinik-desa/protocol';
import { EncodeError } from '../errors.js';
import { ID, NO_PULSE, NO_SPO2, PACKET_LENGTH, SYNC } from '../protocols/contec-cms50d.js';
import type { DeviceSimulation } from './simulation.js';

function small(value: unknown, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? value : 0;
}

function encode(measurement: DeviceMeasurement): Uint8Array {
  if (measurement.kind !== 'pulse-oximetry') {
    throw new EncodeError('WRONG_KIND', ID, `encodes pulse-oximetry, not ${measurement.kind}`);
  }
  const spo2 = measurement.spo2.value ?? NO_SPO2;
  const pulse = measurement.pulseRate?.value ?? NO_PULSE;
  if (!Number.isInteger(spo2) || spo2 < 1 || spo2 > NO_SPO2)
    throw new EncodeError('OUT_OF_RANGE', ID, 'SpO2 is 1–126 %');
  if (!Number.isInteger(pulse) || pulse < 1 || pulse > NO_PULSE)
    throw new EncodeError('OUT_OF_RANGE', ID, 'pulse is 1–254 /min');
  const extra = measurement.extra ?? {};
  const has = (name: DeviceAnnunciation) => measurement.annunciations?.includes(name) ?? false;
  const packet = new Uint8Array(PACKET_LENGTH);
  packet[0] =
    SYNC |
    small(extra['signalStrength'], 15) |
    (has('finger-out') ? 0x10 : 0) |
    (has('spo2-dropping') ? 0x20 : 0) |
    (extra['pulseBeep'] === true ? 0x40 : 0);
  packet[1] = small(extra['plethysmogram'], 127);
  packet[2] =
    small(extra['barGraph'], 15) |
    (has('probe-error') ? 0x10 : 0) |
    (has('searching') ? 0x20 : 0) |
    ((pulse & 0x80) >> 1);
  packet[3] = pulse & 0x7f;
  packet[4] = spo2;
  return packet;
}

/** The simulating half of `contecCms50d`. */
export const contecCms50dSimulation: DeviceSimulation = {
  id: ID,
  encode,
  examples: [
    {
      kind: 'pulse-oximetry',
      spo2: { value: 97, unit: '%' },
      pulseRate: { value: 72, unit: '/min' },
      extra: { signalStrength: 6, pulseBeep: false, plethysmogram: 64, barGraph: 5 },
    },
  ],
};
