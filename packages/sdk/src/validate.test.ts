import { describe, expect, it } from 'vitest';
import { observation, patient, practitioner } from './testing/mock-api.js';
import { protocolValidator } from './validate.js';

describe('protocolValidator', () => {
  it('accepts answers of the API shapes', () => {
    expect(protocolValidator.validate('Patient', patient())).toEqual({ ok: true, value: patient() });
    const page = { data: [observation(1), observation(2)], nextCursor: 'abc' };
    expect(protocolValidator.validate('ObservationPage', page)).toEqual({ ok: true, value: page });
  });

  it('checks a health worker and a page of them', () => {
    expect(protocolValidator.validate('PractitionerRecord', practitioner())).toMatchObject({ ok: true });
    const page = { data: [practitioner({ active: 'yes' as unknown as boolean })], nextCursor: null };
    const result = protocolValidator.validate('PractitionerPage', page);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['data.0.active']);
  });

  it('names each field at fault', () => {
    const result = protocolValidator.validate('ObservationPage', {
      data: [observation(1), { ...observation(2), unit: 'furlongs', measuredAt: 'noon' }],
      nextCursor: null,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['data.1.unit', 'data.1.measuredAt']);
  });

  it('lets unknown fields through but still checks the known ones beside them', () => {
    expect(protocolValidator.validate('Patient', { ...patient(), extra: 1 })).toMatchObject({ ok: true });
    const result = protocolValidator.validate('Patient', { ...patient(), extra: 1, sex: 'x' });
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['sex']);
  });

  it('refuses a missing field and a wrong top-level shape', () => {
    const { id: _, ...noId } = patient();
    expect(protocolValidator.validate('Patient', noId)).toMatchObject({
      ok: false,
      issues: [{ path: 'id' }],
    });
    expect(protocolValidator.validate('PatientPage', [])).toMatchObject({
      ok: false,
      issues: [{ path: '' }],
    });
  });
});
