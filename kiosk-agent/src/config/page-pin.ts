import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { AgentError } from '../errors.js';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** The health worker's PIN: digits only, so it can be typed on the page's keypad. */
export const PAGE_PIN = /^[0-9]{4,8}$/;
/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url: what kiosk.yaml keeps instead of the PIN. */
export const PIN_HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{43,})$/;

/**
 * N = 2^15 costs about 50-100 ms per try on a Raspberry Pi class kiosk: nothing for the worker,
 * and a copied kiosk.yaml cannot be searched through all 10^8 PINs in an afternoon.
 */
const COST = { N: 32_768, r: 8, p: 1 };
const KEY_LENGTH = 32;

export class PagePinError extends AgentError {
  override readonly name = 'PagePinError';
  override readonly code = 'BAD_PIN';
  override readonly retryable = false;
}

/** The scrypt hash of a PIN with a fresh random salt, in the form kiosk.yaml keeps. */
export async function hashPagePin(pin: string): Promise<string> {
  if (!PAGE_PIN.test(pin)) throw new PagePinError('the PIN must be 4 to 8 digits (0-9), e.g. 482913');
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, KEY_LENGTH, { ...COST, maxmem: 128 * COST.N * COST.r * 2 });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether `pin` is the one hashed; constant time in the hash compared. */
export async function verifyPagePin(pin: string, stored: string): Promise<boolean> {
  const parts = PIN_HASH.exec(stored);
  if (!parts) throw new PagePinError('the stored PIN hash is not scrypt$N$r$p$salt$hash');
  const [, n, r, p, salt, hash] = parts as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  // Any string is hashed, a PIN of the wrong shape included: the answer takes as long either way.
  const actual = await scrypt(pin.slice(0, 64), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 128 * Number(n) * Number(r) * 2,
  });
  return timingSafeEqual(actual, expected) && PAGE_PIN.test(pin);
}
