import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { encodeBloodPressure } from '../gatt/blood-pressure.js';
import { encodeBodyComposition } from '../gatt/body-composition.js';
import { shortUuid } from '../gatt/characteristics.js';
import { encodeGlucoseMeasurement } from '../gatt/glucose.js';
import { encodePlxContinuous, encodePlxSpotCheck } from '../gatt/plx.js';
import { encodeTemperature } from '../gatt/temperature.js';
import { encodeWeight } from '../gatt/weight.js';
import type { DeviceSimulation } from './simulation.js';

interface CharacteristicSimulation {
  uuid: string;
  encode(measurement: DeviceMeasurement): Uint8Array;
  examples: readonly DeviceMeasurement[];
}

/** What a BLE device would notify for a measurement, per measurement characteristic. */
const CHARACTERISTIC_SIMULATIONS: readonly CharacteristicSimulation[] = [
  {
    uuid: '2a35',
    encode: (m) => encodeBloodPressure(m),
    examples: [
      {
        kind: 'blood-pressure',
        systolic: { value: 142, unit: 'mm[Hg]' },
        diastolic: { value: 91, unit: 'mm[Hg]' },
        meanArterialPressure: { value: 108, unit: 'mm[Hg]' },
        pulseRate: { value: 72, unit: '/min' },
        deviceTime: '2025-07-22T09:30:05',
        userId: 1,
        annunciations: ['irregular-pulse'],
      },
    ],
  },
  {
    uuid: '2a18',
    encode: (m) => encodeGlucoseMeasurement(m),
    examples: [
      {
        kind: 'glucose',
        concentration: { value: 110, unit: 'mg/dL' },
        sequenceNumber: 17,
        deviceTime: '2025-09-19T08:15:00',
        specimen: 'capillary-whole-blood',
        sampleLocation: 'finger',
      },
    ],
  },
  {
    uuid: '2a9d',
    encode: (m) => encodeWeight(m),
    examples: [
      {
        kind: 'weight',
        weight: { value: 74, unit: 'kg' },
        deviceTime: '2025-07-22T09:41:00',
        bmi: { value: 28.9, unit: 'kg/m2' },
        height: { value: 1.6, unit: 'm' },
      },
    ],
  },
  {
    uuid: '2a9c',
    encode: (m) => encodeBodyComposition(m),
    examples: [
      {
        kind: 'body-composition',
        bodyFat: { value: 24.3, unit: '%' },
        deviceTime: '2025-07-22T09:41:00',
        basalMetabolism: { value: 6500, unit: 'kJ' },
        muscleMass: { value: 48.2, unit: 'kg' },
        impedance: { value: 512.3, unit: 'Ohm' },
        weight: { value: 70.5, unit: 'kg' },
      },
    ],
  },
  {
    uuid: '2a1c',
    encode: (m) => encodeTemperature(m),
    examples: [{ kind: 'temperature', temperature: { value: 36.6, unit: 'Cel' }, site: 'ear' }],
  },
  {
    uuid: '2a5e',
    encode: (m) => encodePlxSpotCheck(m),
    examples: [
      { kind: 'pulse-oximetry', spo2: { value: 97, unit: '%' }, pulseRate: { value: 68, unit: '/min' } },
    ],
  },
  {
    uuid: '2a5f',
    encode: (m) => encodePlxContinuous(m),
    examples: [
      {
        kind: 'pulse-oximetry',
        spo2: { value: 96, unit: '%' },
        pulseRate: { value: 70, unit: '/min' },
        extra: { continuous: true, spo2Fast: 95, pulseRateFast: 72 },
      },
    ],
  },
];

const BY_UUID = new Map(CHARACTERISTIC_SIMULATIONS.map((c) => [c.uuid, c]));

/** The simulating half of every `gatt-XXXX` driver. */
export const gattSimulations: readonly DeviceSimulation[] = CHARACTERISTIC_SIMULATIONS.map((c) => ({
  id: `gatt-${c.uuid}`,
  encode: c.encode,
  examples: c.examples,
}));

/** The encoder of a measurement characteristic, for the gateway's notifications. */
export function measurementEncoderFor(uuid: string): ((m: DeviceMeasurement) => Uint8Array) | undefined {
  const short = shortUuid(uuid);
  return short === undefined ? undefined : BY_UUID.get(short)?.encode;
}
