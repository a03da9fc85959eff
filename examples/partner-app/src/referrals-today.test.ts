import { describe, expect, it } from 'vitest';
import { midnight } from './referrals-today.js';

describe('midnight', () => {
  it("writes the start of a day with each Indonesian zone's offset", () => {
    expect(midnight('2026-11-23', 'Asia/Jakarta')).toBe('2026-11-23T00:00:00+07:00');
    expect(midnight('2026-11-23', 'Asia/Makassar')).toBe('2026-11-23T00:00:00+08:00');
    expect(midnight('2026-11-23', 'Asia/Jayapura')).toBe('2026-11-23T00:00:00+09:00');
    expect(midnight('2026-11-23', 'UTC')).toBe('2026-11-23T00:00:00+00:00');
  });

  it('is the instant the local calendar day begins', () => {
    const start = Date.parse(midnight('2026-01-01', 'Asia/Jakarta'));
    expect(new Date(start).toISOString()).toBe('2025-12-31T17:00:00.000Z');
  });
});
