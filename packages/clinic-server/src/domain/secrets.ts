import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client and kiosk secrets are 32 random bytes, so a slow hash adds little: what matters is that
 * the record never holds them in the clear. They are hashed in Mosquitto 2's own format
 * (`$7$<iterations>$<salt>$<PBKDF2-SHA512>`), so `mosquitto-config` can write the broker's password
 * file from the record without ever knowing a secret. 1000 iterations (Mosquitto's default is 101)
 * keep a reconnect storm of thousands of kiosks cheap for the broker.
 */
export const HASH_ITERATIONS = 1000;

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string, iterations = HASH_ITERATIONS, salt = randomBytes(12)): string {
  const hash = pbkdf2Sync(secret, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const parts = stored.split('$');
  // ['', '7', iterations, salt, hash]
  if (parts.length !== 5 || parts[1] !== '7') return false;
  const iterations = Number(parts[2]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
  const salt = Buffer.from(parts[3] ?? '', 'base64');
  const expected = Buffer.from(parts[4] ?? '', 'base64');
  const actual = pbkdf2Sync(secret, salt, iterations, expected.length || 64, 'sha512');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
