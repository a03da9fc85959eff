import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost: N (CPU and memory, a power of two), r (block size) and p (parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * N = 2^15, r = 8, p = 1: OWASP's recommended floor for scrypt; 32 MiB and about 0.1 s per hash on
 * a clinic's small server, which the sign-in rate limit keeps from becoming a way to load it.
 */
export const PASSWORD_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  // scrypt refuses N·r·128 above maxmem (32 MiB by default), which N = 2^15 just reaches.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * `scrypt$N$r$p$<salt>$<key>` (salt and key in base64): the cost travels with each hash, so raising
 * PASSWORD_COST later leaves the old hashes verifiable. Each password gets its own 16-byte salt.
 */
export async function hashPassword(password: string, cost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost, KEY_LENGTH);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** False for a wrong password and for a hash this code did not write (never throws on one). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const sane = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  // A hash is only as trusted as the record; still, bounds keep a damaged row from taking the server's memory.
  if (!sane(N, 2 ** 20) || (N & (N - 1)) !== 0 || !sane(r, 32) || !sane(p, 16)) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || expected.length === 0) return false;
  const actual = await derive(password, salt, { N, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a password nobody has, verified when the username is unknown: a sign-in then takes as
 * long as with a wrong password, so timing does not tell which usernames exist. Made once.
 */
let noPassword: Promise<string> | undefined;
export function hashOfNoPassword(): Promise<string> {
  noPassword ??= hashPassword(randomBytes(32).toString('base64'));
  return noPassword;
}
