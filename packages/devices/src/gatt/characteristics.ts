import type { DeviceMeasurement, MeasurementKind } from '@klinik-desa/protocol';
import type { DeviceDriver } from '../driver.js';
import { DecodeError } from '../errors.js';
import {
  decodeBloodPressure,
  decodeIntermediateCuffPressure,
  type IntermediateCuffPressure,
} from './blood-pressure.js';
import { decodeBodyComposition } from './body-composition.js';
import { decodeDateTime, formatLocalDateTime, type GattDateTime, isUnknownDate } from './date-time.js';
import {
  decodeGlucoseContext,
  decodeGlucoseMeasurementWithContextFlag,
  type GlucoseContext,
} from './glucose.js';
import { decodePlxContinuous, decodePlxSpotCheck } from './plx.js';
import { decodeRacp, type RacpMessage } from './racp.js';
import { decodeTemperature } from './temperature.js';
import { decodeWeight } from './weight.js';

const BLUETOOTH_BASE_UUID_TAIL = '-0000-1000-8000-00805f9b34fb';

/**
 * The 16-bit form (`2a35`) of a GATT UUID written as `2A35`, `0x2a35`, `00002a35` or the full
 * 128-bit Bluetooth base form; `undefined` for a vendor's own 128-bit UUID.
 */
export function shortUuid(uuid: string): string | undefined {
  const text = uuid.trim().toLowerCase().replace(/^0x/, '');
  if (/^[0-9a-f]{4}$/.test(text)) return text;
  if (/^0000[0-9a-f]{4}$/.test(text)) return text.slice(4);
  if (text.length === 36 && text.startsWith('0000') && text.endsWith(BLUETOOTH_BASE_UUID_TAIL)) {
    const short = text.slice(4, 8);
    return /^[0-9a-f]{4}$/.test(short) ? short : undefined;
  }
  return undefined;
}

/** Where each measurement kind lives in GATT, for the gateway simulator and the docs. */
export const GATT_MEASUREMENT_SOURCES: Readonly<
  Partial<Record<MeasurementKind, { service: string; characteristic: string; indication: boolean }>>
> = {
  'blood-pressure': { service: '1810', characteristic: '2a35', indication: true },
  glucose: { service: '1808', characteristic: '2a18', indication: false },
  weight: { service: '181d', characteristic: '2a9d', indication: true },
  'body-composition': { service: '181b', characteristic: '2a9c', indication: true },
  temperature: { service: '1809', characteristic: '2a1c', indication: true },
  'pulse-oximetry': { service: '1822', characteristic: '2a5e', indication: true },
};

export const GATT_SERVICE_OF_CHARACTERISTIC: Readonly<Record<string, string>> = {
  '2a35': '1810',
  '2a36': '1810',
  '2a18': '1808',
  '2a34': '1808',
  '2a52': '1808',
  '2a9d': '181d',
  '2a9c': '181b',
  '2a1c': '1809',
  '2a5e': '1822',
  '2a5f': '1822',
};

/** Everything `decodeCharacteristic` understands, measurement or not. */
export type GattValue =
  | { characteristic: string; type: 'measurement'; measurement: DeviceMeasurement; contextFollows?: boolean }
  | { characteristic: '2a08'; type: 'date-time'; dateTime: GattDateTime; localDateTime: string | null }
  | { characteristic: '2a34'; type: 'glucose-context'; context: GlucoseContext }
  | { characteristic: '2a52'; type: 'record-access-control-point'; message: RacpMessage }
  | { characteristic: '2a36'; type: 'intermediate-cuff-pressure'; cuff: IntermediateCuffPressure };

interface MeasurementCharacteristic {
  uuid: string;
  name: string;
  service: string;
  kinds: readonly MeasurementKind[];
  models: readonly string[];
  decode(frame: Uint8Array): DeviceMeasurement;
}

const MEASUREMENT_CHARACTERISTICS: readonly MeasurementCharacteristic[] = [
  {
    uuid: '2a35',
    name: 'Blood Pressure Measurement',
    service: '1810',
    kinds: ['blood-pressure'],
    models: ['A&D UA-651BLE', 'any Bluetooth Blood Pressure profile monitor'],
    decode: (frame) => decodeBloodPressure(frame),
  },
  {
    uuid: '2a18',
    name: 'Glucose Measurement',
    service: '1808',
    kinds: ['glucose'],
    models: ['any Bluetooth Glucose profile meter (records fetched with RACP through ble-gateway)'],
    decode: (frame) => decodeGlucoseMeasurementWithContextFlag(frame).measurement,
  },
  {
    uuid: '2a9d',
    name: 'Weight Measurement',
    service: '181d',
    kinds: ['weight'],
    models: ['A&D UC-352BLE', 'any Bluetooth Weight Scale profile scale'],
    decode: (frame) => decodeWeight(frame),
  },
  {
    uuid: '2a9c',
    name: 'Body Composition Measurement',
    service: '181b',
    kinds: ['body-composition'],
    models: ['any Bluetooth Body Composition profile scale'],
    decode: (frame) => decodeBodyComposition(frame),
  },
  {
    uuid: '2a1c',
    name: 'Temperature Measurement',
    service: '1809',
    kinds: ['temperature'],
    models: ['any Bluetooth Health Thermometer profile thermometer'],
    decode: (frame) => decodeTemperature(frame),
  },
  {
    uuid: '2a5e',
    name: 'PLX Spot-Check Measurement',
    service: '1822',
    kinds: ['pulse-oximetry'],
    models: ['any Bluetooth Pulse Oximeter profile oximeter'],
    decode: (frame) => decodePlxSpotCheck(frame),
  },
  {
    uuid: '2a5f',
    name: 'PLX Continuous Measurement',
    service: '1822',
    kinds: ['pulse-oximetry'],
    models: ['any Bluetooth Pulse Oximeter profile oximeter'],
    decode: (frame) => decodePlxContinuous(frame),
  },
];

const BY_UUID = new Map(MEASUREMENT_CHARACTERISTICS.map((c) => [c.uuid, c]));

export function gattProtocolId(uuid: string): string {
  return `gatt-${shortUuid(uuid) ?? uuid.toLowerCase()}`;
}

/** Whether a characteristic's notifications are readings (as opposed to context, control point, clock). */
export function isMeasurementCharacteristic(uuid: string): boolean {
  const short = shortUuid(uuid);
  return short !== undefined && BY_UUID.has(short);
}

/** Decodes any characteristic value this package knows. Throws `DecodeError` (UNSUPPORTED for others). */
export function decodeCharacteristic(uuid: string, frame: Uint8Array): GattValue {
  const short = shortUuid(uuid);
  if (short === undefined) {
    throw new DecodeError('UNSUPPORTED', 'gatt', `${uuid} is not a standard 16-bit GATT characteristic`);
  }
  switch (short) {
    case '2a08': {
      const dateTime = decodeDateTime(frame);
      return {
        characteristic: '2a08',
        type: 'date-time',
        dateTime,
        localDateTime: isUnknownDate(dateTime) ? null : formatLocalDateTime(dateTime),
      };
    }
    case '2a34':
      return { characteristic: '2a34', type: 'glucose-context', context: decodeGlucoseContext(frame) };
    case '2a52':
      return { characteristic: '2a52', type: 'record-access-control-point', message: decodeRacp(frame) };
    case '2a36':
      return {
        characteristic: '2a36',
        type: 'intermediate-cuff-pressure',
        cuff: decodeIntermediateCuffPressure(frame),
      };
    case '2a18': {
      const { measurement, contextFollows } = decodeGlucoseMeasurementWithContextFlag(frame);
      return { characteristic: short, type: 'measurement', measurement, contextFollows };
    }
  }
  const characteristic = BY_UUID.get(short);
  if (!characteristic) {
    throw new DecodeError(
      'UNSUPPORTED',
      `gatt-${short}`,
      `characteristic 0x${short.toUpperCase()} is not decoded here`,
    );
  }
  return { characteristic: short, type: 'measurement', measurement: characteristic.decode(frame) };
}

/** One registry driver per measurement characteristic: `gatt-2a35`, `gatt-2a18`, ... */
export const gattDrivers: readonly DeviceDriver[] = MEASUREMENT_CHARACTERISTICS.map((c) => ({
  id: `gatt-${c.uuid}`,
  name: `${c.name} 0x${c.uuid.toUpperCase()} (service 0x${c.service.toUpperCase()})`,
  vendor: 'Bluetooth SIG standard',
  models: c.models,
  transport: 'ble-gateway',
  kinds: c.kinds,
  mode: 'stream',
  // ATT values are at most 512 bytes.
  framing: { type: 'packet', maxFrameBytes: 512 },
  confidence: 'confirmed',
  decode: c.decode,
}));
