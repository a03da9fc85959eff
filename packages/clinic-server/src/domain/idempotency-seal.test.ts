import { describe, expect, it } from 'vitest';
import { idempotencySeal } from './idempotency-seal.js';

const answer = JSON.stringify({ id: 'p1', nik: '3201011205800001', name: 'Siti Aminah' });

describe('idempotency seal', () => {
  it('keeps neither the key nor the answer in the clear, and opens what it sealed', () => {
    const seal = idempotencySeal('admin.1', 'key-123');
    const sealed = seal.seal(answer);
    expect(sealed).not.toContain('3201011205800001');
    expect(sealed).not.toContain('Siti');
    expect(seal.lookup).not.toContain('key-123');
    expect(seal.lookup).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencySeal('admin.1', 'key-123').open(sealed)).toBe(answer);
  });

  it('derives different ids and keys per client and per key', () => {
    const a = idempotencySeal('admin.1', 'key-123');
    const otherKey = idempotencySeal('admin.1', 'key-124');
    const otherClient = idempotencySeal('admin.2', 'key-123');
    expect(new Set([a.lookup, otherKey.lookup, otherClient.lookup]).size).toBe(3);
    const sealed = a.seal(answer);
    expect(otherKey.open(sealed)).toBeUndefined();
    expect(otherClient.open(sealed)).toBeUndefined();
    expect(a.fingerprint('body')).not.toBe(otherKey.fingerprint('body'));
    expect(a.fingerprint('body')).toBe(idempotencySeal('admin.1', 'key-123').fingerprint('body'));
  });

  it('refuses a tampered or foreign text instead of answering garbage', () => {
    const seal = idempotencySeal('admin.1', 'key-123');
    const sealed = seal.seal(answer);
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(seal.open(tampered)).toBeUndefined();
    expect(seal.open(answer)).toBeUndefined();
    expect(seal.open('v1.')).toBeUndefined();
  });
});
