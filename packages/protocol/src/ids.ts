import { z } from 'zod';

/**
 * Clinic and kiosk ids end up inside MQTT topic levels and broker ACL patterns, so they are held
 * to characters that need no escaping anywhere: letters, digits, `-` and `_`.
 */
export const TopicSafeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, "-" or "_"');

export const ClinicId = TopicSafeId.describe(
  'The clinic (cooperative outlet) id, as registered with the clinic server.',
);
export type ClinicId = z.infer<typeof ClinicId>;

export const KioskId = TopicSafeId.describe('The screening kiosk id, unique within its clinic.');
export type KioskId = z.infer<typeof KioskId>;

export const DeviceId = TopicSafeId.describe('The device id from the kiosk configuration, e.g. "scale-1".');
export type DeviceId = z.infer<typeof DeviceId>;

/** Opaque ids of patients and sessions: never a NIK (personal data stays off the wire). */
export const OpaqueId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'use 1-128 letters, digits, ".", "_", ":" or "-"');

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const ReadingId = z
  .string()
  .regex(UUID_V7, 'must be a lowercase UUIDv7')
  .describe(
    'Time-ordered UUIDv7 made on the kiosk when the reading was taken; the idempotency key end to end.',
  );
export type ReadingId = z.infer<typeof ReadingId>;

export function isUuidV7(value: string): boolean {
  return UUID_V7.test(value);
}

let lastMs = -1;
let lastSeq = 0;

// Random bytes are drawn 4 KiB at a time: one call into the system's generator per 256 ids rather
// than one per id, which showed in profiles of a meter's memory dump.
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * A new UUIDv7 (RFC 9562). Ids made in the same millisecond by this process still sort in the order
 * they were made: the 12-bit `rand_a` field holds a counter seeded at random each millisecond
 * (RFC 9562 §6.2, method 1).
 */
export function newUuidV7(nowMs: number = Date.now()): string {
  if (poolAt + 16 > POOL_BYTES) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + 16);
  poolAt += 16;
  let ms = Math.max(nowMs, lastMs);
  if (ms === lastMs) {
    lastSeq += 1;
    if (lastSeq > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next millisecond.
      ms += 1;
      lastSeq = bytes[6]! & 0x07;
    }
  } else {
    lastSeq = ((bytes[6]! & 0x07) << 8) | bytes[7]!;
  }
  lastMs = ms;
  const hi = Math.floor(ms / 2 ** 16);
  const lo = ms % 2 ** 16;
  const h = (i: number) => HEX[bytes[i]!]!;
  return (
    HEX[(hi >>> 24) & 0xff]! +
    HEX[(hi >>> 16) & 0xff]! +
    HEX[(hi >>> 8) & 0xff]! +
    HEX[hi & 0xff]! +
    '-' +
    HEX[(lo >>> 8) & 0xff]! +
    HEX[lo & 0xff]! +
    '-' +
    HEX[0x70 | ((lastSeq >>> 8) & 0x0f)]! +
    HEX[lastSeq & 0xff]! +
    '-' +
    HEX[0x80 | (bytes[8]! & 0x3f)]! +
    h(9) +
    '-' +
    h(10) +
    h(11) +
    h(12) +
    h(13) +
    h(14) +
    h(15)
  );
}

/** The Unix time in milliseconds stored in a UUIDv7. */
export function uuidV7Time(id: string): number {
  if (!isUuidV7(id)) throw new TypeError(`not a UUIDv7: ${id}`);
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
