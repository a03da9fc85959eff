import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Nik } from './api/nik.js';
import { NIK_PROBLEMS, nikProblem, nikProblemCode } from './nik.js';

// NIK-shaped strings: mostly 16 digits with parts near their limits, some of other lengths.
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const nikLike = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 99 }),
      fc.constantFrom('00', '01', '73'),
      fc.constantFrom('00', '05', '99'),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 13 }),
      digits(2),
      fc.constantFrom('0000', '0001', '9999'),
    )
    .map(
      ([p, r, d, day, month, yy, serial]) =>
        `${String(p).padStart(2, '0')}${r}${d}${String(day).padStart(2, '0')}${String(month).padStart(2, '0')}${yy}${serial}`,
    ),
  digits(16),
  fc.string({ maxLength: 20 }),
);

describe('NIK check', () => {
  // The SDK checks with `nikProblem` alone (no zod); the server with the schema: the two must agree.
  it('gives the same answer as the zod schema for every input', () => {
    fc.assert(
      fc.property(nikLike, (nik) => {
        const parsed = Nik.safeParse(nik);
        expect(parsed.success ? undefined : parsed.error.issues[0]?.message).toBe(nikProblem(nik));
      }),
      { numRuns: 5_000 },
    );
  });

  it('accepts the NIK of a woman (day + 40) and of a man', () => {
    expect(nikProblem('3201015708900002')).toBeUndefined();
    expect(nikProblem('3201011708900002')).toBeUndefined();
    expect(nikProblem('3201017708900002')).toMatch(/birth date/);
  });

  it('names every problem by its own code, one NIK each', () => {
    const examples = {
      NIK_NOT_16_DIGITS: '320101570890000',
      NIK_PROVINCE: '1001015708900002',
      NIK_REGENCY: '3200015708900002',
      NIK_DISTRICT: '3201005708900002',
      NIK_BIRTH_DATE: '3201013208900002',
      NIK_SERIAL: '3201015708900000',
    } satisfies Record<keyof typeof NIK_PROBLEMS, string>;
    for (const [code, nik] of Object.entries(examples)) {
      expect(nikProblemCode(nik)).toBe(code);
      expect(nikProblem(nik)).toBe(NIK_PROBLEMS[code as keyof typeof NIK_PROBLEMS]);
    }
  });
});
