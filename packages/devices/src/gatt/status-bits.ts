import type { DeviceAnnunciation } from '@klinik-desa/protocol';
import { DecodeError } from '../errors.js';

/**
 * Status bit fields as members of the device vocabulary, in bit order. `null` marks a bit that is
 * reserved or decoded by hand (a multi-bit field).
 */
export type BitNames = readonly (DeviceAnnunciation | null)[];

export function bitsToAnnunciations(bits: number, names: BitNames, into: DeviceAnnunciation[]): void {
  for (let bit = 0; bit < names.length; bit++) {
    const name = names[bit];
    if (name && bits & (1 << bit)) into.push(name);
  }
}

/**
 * Refuses a status field with a bit the specification reserves. A reserved bit set means a device
 * speaking a later version of the specification (or a broken one): what it says about the value is
 * unknown, and a later version may well use it for "invalid measurement", so the value is not taken.
 * `defined` is the mask of the bits this version gives a meaning to.
 */
export function checkReservedBits(bits: number, defined: number, protocol: string, field: string): void {
  const reserved = bits & ~defined;
  if (reserved !== 0) {
    throw new DecodeError(
      'RESERVED_BITS',
      protocol,
      `${field} has reserved bits set (0x${reserved.toString(16)}): the value's status is unknown`,
    );
  }
}

/** The mask of the bits a table of names gives a meaning to. */
export function definedMask(names: BitNames): number {
  let mask = 0;
  for (let bit = 0; bit < names.length; bit++) if (names[bit]) mask |= 1 << bit;
  return mask >>> 0;
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
