import type { DeviceMeasurement, Ucum } from '@klinik-desa/protocol';
import { toBytes } from '../bytes.js';
import { EncodeError } from '../errors.js';
import { ID } from '../protocols/ad-scale.js';
import type { DeviceSimulation } from './simulation.js';

const UNIT_FIELD: Partial<Record<Ucum, string>> = { kg: ' kg', g: '  g', '[lb_av]': ' lb', '[oz_av]': ' oz' };

/** Formats a weight as A&D's 9-character data field: sign, zero-padded digits, the decimal point. */
function formatData(value: number, decimals: number): string {
  const sign = value < 0 ? '-' : '+';
  const digits = Math.abs(value).toFixed(decimals);
  if (digits.length > 8)
    throw new EncodeError('OUT_OF_RANGE', ID, `${value} does not fit the 9-character A&D data field`);
  return sign + digits.padStart(8, '0');
}

function encode(measurement: DeviceMeasurement): Uint8Array {
  if (measurement.kind !== 'weight')
    throw new EncodeError('WRONG_KIND', ID, `encodes weight, not ${measurement.kind}`);
  const { weight } = measurement;
  const unitField = UNIT_FIELD[weight.unit];
  if (!unitField) throw new EncodeError('UNSUPPORTED_UNIT', ID, `no A&D unit field for ${weight.unit}`);
  const annunciations = measurement.annunciations ?? [];
  if (weight.value === null) return toBytes(`OL,+999999.9${unitField}\r\n`);
  const decimals = weight.unit === 'g' ? 3 : 2;
  const header = annunciations.includes('unstable') ? 'US' : 'ST';
  return toBytes(`${header},${formatData(weight.value, decimals)}${unitField}\r\n`);
}

/** The simulating half of `adScale`. */
export const adScaleSimulation: DeviceSimulation = {
  id: ID,
  encode,
  examples: [{ kind: 'weight', weight: { value: 62.45, unit: 'kg' } }],
};
