import { z } from 'zod';

/**
 * Units as devices report them, written as UCUM codes (https://ucum.org) so that the same string
 * can go into FHIR `valueQuantity.code` once the value is in its canonical unit.
 */
export const Ucum = z.enum([
  'mm[Hg]',
  'kPa',
  'mg/dL',
  'mmol/L',
  'umol/L',
  'g/dL',
  'g/L',
  'kg',
  'g',
  '[lb_av]',
  '[oz_av]',
  'm',
  'cm',
  '[in_i]',
  'Cel',
  '[degF]',
  '%',
  '/min',
  'kg/m2',
  'Ohm',
  'kJ',
  'kcal',
  'a',
  '1',
]);
export type Ucum = z.infer<typeof Ucum>;

/** Human labels for UCUM codes, for screens and logs. */
export const UCUM_LABEL: Readonly<Record<Ucum, string>> = {
  'mm[Hg]': 'mmHg',
  kPa: 'kPa',
  'mg/dL': 'mg/dL',
  'mmol/L': 'mmol/L',
  'umol/L': 'µmol/L',
  'g/dL': 'g/dL',
  'g/L': 'g/L',
  kg: 'kg',
  g: 'g',
  '[lb_av]': 'lb',
  '[oz_av]': 'oz',
  m: 'm',
  cm: 'cm',
  '[in_i]': 'in',
  Cel: '°C',
  '[degF]': '°F',
  '%': '%',
  '/min': '/min',
  'kg/m2': 'kg/m²',
  Ohm: 'Ω',
  kJ: 'kJ',
  kcal: 'kcal',
  a: 'years',
  '1': '',
};
