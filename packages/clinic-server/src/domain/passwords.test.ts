import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';

// A cheap cost keeps the tests quick; the format and the checks are the same at any cost.
const CHEAP = { N: 1024, r: 8, p: 1 };

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('kata sandi yang panjang', CHEAP);
    expect(await verifyPassword('kata sandi yang panjang', hash)).toBe(true);
    expect(await verifyPassword('kata sandi yang panjanG', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('records its cost and a salt of its own in each hash', async () => {
    const a = await hashPassword('sama saja sandinya', CHEAP);
    const b = await hashPassword('sama saja sandinya', CHEAP);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(a).not.toBe(b);
  });

  it('verifies a hash made at another cost by the cost written in it', async () => {
    const hash = await hashPassword('sandi lama dari dulu', { N: 2048, r: 4, p: 2 });
    expect(await verifyPassword('sandi lama dari dulu', hash)).toBe(true);
  });

  it('treats the same text typed in two Unicode forms as one password', async () => {
    const hash = await hashPassword('caf\u00e9 di desa kami', CHEAP);
    expect(await verifyPassword('cafe\u0301 di desa kami', hash)).toBe(true);
  });

  it('refuses, without throwing, hashes it did not write or that were damaged', async () => {
    const good = await hashPassword('sandi yang benar sekali', CHEAP);
    const parts = good.split('$');
    for (const bad of [
      '',
      'plain text',
      `$7$1000$${parts[4]}$${parts[5]}`,
      ['scrypt', '1000', '8', '1', parts[4], parts[5]].join('$'), // N not a power of two
      ['scrypt', String(2 ** 30), '8', '1', parts[4], parts[5]].join('$'), // would take the memory
      ['scrypt', '1024', '8', '1', '', parts[5]].join('$'),
    ]) {
      expect(await verifyPassword('sandi yang benar sekali', bad)).toBe(false);
    }
  });
});
