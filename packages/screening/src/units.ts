import type { Ucum } from '@klinik-desa/protocol';
import { ScreeningOptionError } from './errors.js';
import type { ValueName } from './values.js';

/**
 * One unit conversion: `to = (from + offset) × factor`. Factors are the exact definitions where one
 * exists; the two that are not exact (kPa, glucose molar mass) are the ones domain.md prescribes.
 */
export interface UnitConversion {
  from: Ucum;
  to: Ucum;
  factor: number;
  offset?: number;
  /** True when the factor is a definition, not a measurement. */
  exact: boolean;
  source: string;
  /**
   * The values it converts, for a molar conversion: mmol/L to mg/dL is a different factor for
   * glucose, cholesterol and uric acid (their molar masses). Absent: any value in these units.
   */
  substance?: readonly ValueName[];
}

export const UNIT_CONVERSIONS: readonly UnitConversion[] = [
  {
    from: 'kPa',
    to: 'mm[Hg]',
    factor: 7.50062,
    exact: false,
    source: 'domain.md: mmHg = kPa × 7.50062 (1 mmHg = 133.322 Pa)',
  },
  {
    from: '[lb_av]',
    to: 'kg',
    factor: 0.45359237,
    exact: true,
    source: 'international avoirdupois pound, 1959: 1 lb = 0.45359237 kg',
  },
  {
    from: '[oz_av]',
    to: 'kg',
    factor: 0.028349523125,
    exact: true,
    source: '1 oz = 1/16 lb = 0.028349523125 kg',
  },
  { from: 'g', to: 'kg', factor: 0.001, exact: true, source: 'SI prefix' },
  {
    from: '[in_i]',
    to: 'cm',
    factor: 2.54,
    exact: true,
    source: 'international inch, 1959: 1 in = 2.54 cm',
  },
  { from: 'm', to: 'cm', factor: 100, exact: true, source: 'SI prefix' },
  {
    from: 'mmol/L',
    to: 'mg/dL',
    factor: 18.016,
    exact: false,
    source: 'domain.md: mg/dL = mmol/L × 18.016 (glucose molar mass 180.16 g/mol)',
    substance: ['glucose'],
  },
  {
    from: 'mmol/L',
    to: 'mg/dL',
    factor: 38.665,
    exact: false,
    source: 'mg/dL = mmol/L × 38.665 (cholesterol molar mass 386.65 g/mol)',
    substance: ['totalCholesterol'],
  },
  {
    from: 'umol/L',
    to: 'mg/dL',
    factor: 0.016811,
    exact: false,
    source: 'mg/dL = µmol/L × 0.016811 (uric acid molar mass 168.11 g/mol; 1 mg/dL = 59.48 µmol/L)',
    substance: ['uricAcid'],
  },
  {
    from: 'mmol/L',
    to: 'mg/dL',
    factor: 16.811,
    exact: false,
    source: 'mg/dL = mmol/L × 16.811 (uric acid molar mass 168.11 g/mol)',
    substance: ['uricAcid'],
  },
  { from: 'g/L', to: 'g/dL', factor: 0.1, exact: true, source: 'SI prefix: 1 dL = 0.1 L' },
  {
    from: 'mmol/L',
    to: 'g/dL',
    factor: 1.6114,
    exact: false,
    source:
      'g/dL = mmol/L × 1.6114 (haemoglobin counted per haem-bearing monomer, 16 114 g/mol, as European meters report it)',
    substance: ['haemoglobin'],
  },
  {
    from: '[degF]',
    to: 'Cel',
    factor: 5 / 9,
    offset: -32,
    exact: true,
    source: '°C = (°F − 32) × 5/9',
  },
];

function findConversion(
  from: Ucum,
  to: Ucum,
  substance: ValueName | undefined,
): { conversion: UnitConversion; inverse: boolean } | undefined {
  for (const conversion of UNIT_CONVERSIONS) {
    if (conversion.substance && (!substance || !conversion.substance.includes(substance))) continue;
    if (conversion.from === from && conversion.to === to) return { conversion, inverse: false };
    if (conversion.from === to && conversion.to === from) return { conversion, inverse: true };
  }
  return undefined;
}

/** Whether `convertUnit(x, from, to, substance)` is defined. */
export function canConvert(from: Ucum, to: Ucum, substance?: ValueName): boolean {
  return from === to || findConversion(from, to, substance) !== undefined;
}

/**
 * Converts without rounding (rounding is the caller's explicit step, see `roundHalfUp`). A molar
 * conversion needs the value it converts (`substance`). Throws `ScreeningOptionError` for a pair
 * of units with no conversion for that value.
 */
export function convertUnit(value: number, from: Ucum, to: Ucum, substance?: ValueName): number {
  if (from === to) return value;
  const found = findConversion(from, to, substance);
  if (!found) {
    throw new ScreeningOptionError(
      `no conversion from ${from} to ${to}${substance ? ` for ${substance}` : ' (a molar conversion needs the value it converts)'}`,
    );
  }
  const { conversion, inverse } = found;
  const offset = conversion.offset ?? 0;
  return inverse ? value / conversion.factor - offset : (value + offset) * conversion.factor;
}
