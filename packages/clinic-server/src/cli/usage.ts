import { ConfigError } from '../errors.js';

/** Bad input on the command line: the message names what was wrong and the fix; exit code 2. */
export function fail(message: string): never {
  throw new ConfigError('USAGE', message);
}

export function parseIntOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}
