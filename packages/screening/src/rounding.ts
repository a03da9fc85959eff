/**
 * Rounds half away from zero on the value's decimal form, so 62.455 kg becomes 62.46 (as a person
 * would round it) and not 62.45 (what `Math.round(62.455 * 100) / 100` gives, because 62.455 is
 * stored as 62.45499999...). JavaScript prints the shortest decimal that reads back as the same
 * number, and shifting that decimal by exponent arithmetic is exact.
 */
export function roundHalfUp(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`cannot round ${value}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 10) {
    throw new RangeError(`decimals must be an integer 0-10, got ${decimals}`);
  }
  const sign = value < 0 ? -1 : 1;
  const shifted = Math.round(shiftDecimal(Math.abs(value), decimals));
  const result = sign * shiftDecimal(shifted, -decimals);
  return result === 0 ? 0 : result;
}

function shiftDecimal(value: number, places: number): number {
  const [mantissa, exponent = '0'] = value.toString().split('e');
  return Number(`${mantissa}e${Number(exponent) + places}`);
}
