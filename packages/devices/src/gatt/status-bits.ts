/**
 * Status bit fields as kebab-case annunciations, in bit order. `null` marks a bit that is reserved or
 * decoded by hand (a multi-bit field).
 */
export type BitNames = readonly (string | null)[];

export function bitsToAnnunciations(bits: number, names: BitNames, into: string[]): void {
  for (let bit = 0; bit < names.length; bit++) {
    const name = names[bit];
    if (name && bits & (1 << bit)) into.push(name);
  }
}

export function annunciationsToBits(annunciations: readonly string[] | undefined, names: BitNames): number {
  if (!annunciations) return 0;
  let bits = 0;
  for (let bit = 0; bit < names.length; bit++) {
    const name = names[bit];
    if (name && annunciations.includes(name)) bits |= 1 << bit;
  }
  return bits >>> 0;
}

export function hasAnyOf(annunciations: readonly string[] | undefined, names: BitNames): boolean {
  if (!annunciations) return false;
  for (const name of names) if (name && annunciations.includes(name)) return true;
  return false;
}
