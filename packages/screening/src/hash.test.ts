import { createHash } from 'node:crypto';
import { isUuidV7, uuidV7Time } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNS_NAMESPACE, hashedUuidV7, KLINIK_DESA_NAMESPACE, sha1, uuidV5 } from './hash.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha1', () => {
  it.each([
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
  ])('hashes %j as the FIPS 180 test vector', (input, digest) => {
    expect(hex(sha1(input))).toBe(digest);
  });

  it('agrees with node:crypto on any input, across the padding boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(hex(sha1(bytes))).toBe(createHash('sha1').update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
    for (let n = 50; n <= 130; n++) {
      const s = 'x'.repeat(n);
      expect(hex(sha1(s)), `length ${n}`).toBe(createHash('sha1').update(s).digest('hex'));
    }
    expect(hex(sha1('Kesehatan untuk semua — ✓'))).toBe(
      createHash('sha1').update('Kesehatan untuk semua — ✓').digest('hex'),
    );
  });
});

describe('uuidV5', () => {
  it('matches the RFC 9562 / Python reference value', () => {
    expect(uuidV5('python.org', DNS_NAMESPACE)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('is stable and name-sensitive', () => {
    expect(KLINIK_DESA_NAMESPACE).toBe(uuidV5('klinik-desa.id', DNS_NAMESPACE));
    expect(uuidV5('a', KLINIK_DESA_NAMESPACE)).toBe(uuidV5('a', KLINIK_DESA_NAMESPACE));
    expect(uuidV5('a', KLINIK_DESA_NAMESPACE)).not.toBe(uuidV5('b', KLINIK_DESA_NAMESPACE));
    expect(uuidV5('a', KLINIK_DESA_NAMESPACE)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(() => uuidV5('a', 'not-a-uuid')).toThrow(TypeError);
  });
});

describe('hashedUuidV7', () => {
  it('is a valid UUIDv7 carrying the given time, the same for the same name', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.string(), (ms, name) => {
        const id = hashedUuidV7(ms, name);
        expect(isUuidV7(id)).toBe(true);
        expect(uuidV7Time(id)).toBe(ms);
        expect(hashedUuidV7(ms, name)).toBe(id);
      }),
    );
    expect(hashedUuidV7(1, 'a')).not.toBe(hashedUuidV7(1, 'b'));
    expect(() => hashedUuidV7(-1, 'a')).toThrow(RangeError);
  });
});
