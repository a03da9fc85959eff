import { describe, expect, it } from 'vitest';
import { identifierOf, withoutExisting } from './bundle.js';
import { backoffMs, resolveEndpoints } from './config.js';
import { parseTokenAnswer } from './token.js';

describe('SATUSEHAT settings', () => {
  it('resolves an environment by name, or explicit URLs', () => {
    expect(resolveEndpoints({ environment: 'sandbox' })).toEqual({
      authBaseUrl: 'https://api-satusehat-stg.dto.kemkes.go.id/oauth2/v1',
      fhirBaseUrl: 'https://api-satusehat-stg.dto.kemkes.go.id/fhir-r4/v1',
    });
    expect(resolveEndpoints({ environment: 'production' }).fhirBaseUrl).toBe(
      'https://api-satusehat.kemkes.go.id/fhir-r4/v1',
    );
    expect(resolveEndpoints({ authBaseUrl: 'http://x/auth/', fhirBaseUrl: 'http://x/fhir' })).toEqual({
      authBaseUrl: 'http://x/auth',
      fhirBaseUrl: 'http://x/fhir',
    });
    expect(() => resolveEndpoints({ authBaseUrl: 'http://x' })).toThrow(/both/);
    expect(() => resolveEndpoints({})).toThrow(/environment/);
    expect(() => resolveEndpoints({ environment: 'dev' as 'sandbox' })).toThrow(
      /unknown SATUSEHAT environment/,
    );
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(0, 1000, 60_000, 0)).toBe(500);
    expect(backoffMs(0, 1000, 60_000, 0.999)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, 0)).toBe(4000);
    expect(backoffMs(20, 1000, 60_000, 0.5)).toBe(45_000);
  });
});

describe('SATUSEHAT token answers', () => {
  it('reads expires_in as SATUSEHAT sends it (a string) and refreshes before expiry', () => {
    const t = parseTokenAnswer(
      { access_token: 'abc', expires_in: '3599', issued_at: '1700000000000' },
      1_000_000,
    );
    expect(t).toEqual({
      accessToken: 'abc',
      expiresAtMs: 1_000_000 + 3_599_000,
      refreshAtMs: 1_000_000 + 3_599_000 - 300_000,
    });
    expect(parseTokenAnswer({ access_token: 'a', expires_in: 60 }, 0).refreshAtMs).toBe(54_000);
  });

  it('refuses an answer it cannot read, rather than keep a token forever', () => {
    expect(() => parseTokenAnswer({ access_token: 'a', expires_in: 'soon' }, 0)).toThrow(/expires_in/);
    expect(() => parseTokenAnswer({ access_token: 'a' }, 0)).toThrow(/expires_in/);
    expect(() => parseTokenAnswer({ expires_in: '10' }, 0)).toThrow(/access_token/);
    expect(() => parseTokenAnswer('nope', 0)).toThrow(/JSON object/);
  });
});

describe('resending without duplicates', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: 'urn:uuid:enc',
        resource: { resourceType: 'Encounter' },
        request: {
          method: 'POST',
          url: 'Encounter',
          ifNoneExist: 'identifier=http://sys-ids.kemkes.go.id/encounter/1|s1',
        },
      },
      {
        fullUrl: 'urn:uuid:obs',
        resource: { resourceType: 'Observation', encounter: { reference: 'urn:uuid:enc' } },
        request: { method: 'POST', url: 'Observation', ifNoneExist: 'identifier=http://x|r1.systolic' },
      },
    ],
  };

  it('reads the business identifier of a conditional create', () => {
    expect(identifierOf(bundle.entry[0]!)).toEqual({
      system: 'http://sys-ids.kemkes.go.id/encounter/1',
      value: 's1',
    });
    expect(identifierOf({ request: {} })).toBeUndefined();
  });

  it('leaves out what the server has, pointing references at its copy', () => {
    const rest = withoutExisting(bundle, new Map([['urn:uuid:enc', 'Encounter/abc']]));
    expect(rest.entry).toHaveLength(1);
    expect(rest.entry[0]?.resource).toEqual({
      resourceType: 'Observation',
      encounter: { reference: 'Encounter/abc' },
    });
    expect(bundle.entry[1]?.resource.encounter?.reference).toBe('urn:uuid:enc');
  });
});
