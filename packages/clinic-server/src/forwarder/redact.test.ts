import { describe, expect, it } from 'vitest';
import { MAX_DETAIL_CHARS, redactSatusehatAnswer, redactText } from './redact.js';

const NIK = '3201011205800001';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrbGluaWsifQ.c2lnbmF0dXJl';

describe('redactText', () => {
  it('replaces NIKs, bearer tokens, JWTs and whatever follows a token field', () => {
    const out = redactText(
      `Patient with NIK ${NIK} not found; Authorization: Bearer abcDEF123._-~+/= was used; id ${JWT}`,
    );
    expect(out).not.toContain(NIK);
    expect(out).not.toContain('abcDEF123');
    expect(out).not.toContain(JWT.slice(0, 20));
    expect(out).toContain('[redacted NIK]');
    expect(out).toContain('Bearer [redacted]');
    expect(redactText('{"error":"x","access_token":"sekret","expires_in":"3599"}')).toBe(
      '{"error":"x","access_token [redacted]',
    );
  });

  it('keeps numbers that are not NIKs and ordinary words', () => {
    expect(redactText('HTTP 422 at Observation.valueQuantity 12345678901234567')).toBe(
      'HTTP 422 at Observation.valueQuantity 12345678901234567',
    );
  });
});

describe('redactSatusehatAnswer', () => {
  it('keeps an OperationOutcome issue severity, code and diagnostics, redacted', () => {
    const kept = redactSatusehatAnswer({
      resourceType: 'OperationOutcome',
      meta: { tag: [{ code: 'x' }] },
      issue: [
        {
          severity: 'error',
          code: 'invalid',
          diagnostics: `Patient.identifier ${NIK} is not registered (token Bearer ${JWT})`,
          expression: ['Patient.identifier[0]'],
          details: { text: NIK },
        },
      ],
    });
    expect(kept).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'invalid',
          diagnostics: 'Patient.identifier [redacted NIK] is not registered (token Bearer [redacted])',
          expression: ['Patient.identifier[0]'],
        },
      ],
    });
  });

  it('bounds what it keeps to about 2 KB, however long the answer', () => {
    const many = {
      resourceType: 'OperationOutcome',
      issue: Array.from({ length: 50 }, () => ({
        severity: 'error',
        code: 'invalid',
        diagnostics: 'x'.repeat(5000),
      })),
    };
    const kept = redactSatusehatAnswer(many) as { issue: unknown[]; issuesLeftOut: number };
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
    expect(kept.issuesLeftOut).toBe(40);
    const text = redactSatusehatAnswer(`"\\${'<html>'.repeat(2000)} ${NIK}`);
    expect(JSON.stringify(text).length).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
    const echoed = redactSatusehatAnswer({ resource: { identifier: [{ value: NIK }] }, token: JWT });
    expect(JSON.stringify(echoed)).not.toContain(NIK);
    expect(JSON.stringify(echoed)).not.toContain(JWT.slice(0, 20));
    expect(redactSatusehatAnswer(undefined)).toBeNull();
  });
});
