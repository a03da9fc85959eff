import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import {
  decodeBloodPressure,
  decodeIntermediateCuffPressure,
  encodeBloodPressure,
} from './blood-pressure.js';

describe('Blood Pressure Measurement 0x2A35', () => {
  it('reads every optional field in flag order', () => {
    // flags 0x1F: kPa, time stamp, pulse rate, user id, status
    const m = decodeBloodPressure(fromHex('1fa0f06bf07df0e9070716091e0548000221 00'.replace(' ', '')));
    expect(m).toEqual({
      kind: 'blood-pressure',
      systolic: { value: 16, unit: 'kPa' },
      diastolic: { value: 10.7, unit: 'kPa' },
      meanArterialPressure: { value: 12.5, unit: 'kPa' },
      deviceTime: '2025-07-22T09:30:05',
      pulseRate: { value: 72, unit: '/min' },
      userId: 2,
      annunciations: ['body-movement', 'improper-measurement-position'],
    });
  });

  it('decodes the pulse-rate range bits (3–4)', () => {
    const above = decodeBloodPressure(fromHex('1078005000 5d000800'.replace(' ', '')));
    expect(above.annunciations).toEqual(['pulse-rate-above-upper-limit']);
    const below = decodeBloodPressure(fromHex('10780050005d001000'));
    expect(below.annunciations).toEqual(['pulse-rate-below-lower-limit']);
  });

  it('refuses a status with bits the specification reserves, naming the error', () => {
    // Pulse-rate range 3 and bit 6 are reserved: what the monitor says about the value is unknown.
    for (const status of ['1800', '4000', '0080']) {
      expect(() => decodeBloodPressure(fromHex(`10780050005d00${status}`))).toThrow(
        expect.objectContaining({ name: 'DecodeError', code: 'RESERVED_BITS' }),
      );
    }
  });

  it('names cuff fit and measurement position with the vocabulary members', () => {
    expect(decodeBloodPressure(fromHex('10780050005d002200')).annunciations).toEqual([
      'cuff-too-loose',
      'improper-measurement-position',
    ]);
  });

  it('leaves out user 0xFF (unknown user) and keeps special values as missing', () => {
    const m = decodeBloodPressure(fromHex('0cff0750005d00ff07ff'));
    expect(m.systolic).toEqual({ value: null, unit: 'mm[Hg]', missing: 'nan' });
    expect(m.pulseRate).toEqual({ value: null, unit: '/min', missing: 'nan' });
    expect(m.userId).toBeUndefined();
  });

  it('keeps the reading but flags an impossible time stamp, and drops an unknown one', () => {
    expect(decodeBloodPressure(fromHex('02780050005d00e9070d16091e05')).annunciations).toEqual([
      'device-time-invalid',
    ]);
    const unknown = decodeBloodPressure(fromHex('02780050005d0000000000000000'));
    expect(unknown.deviceTime).toBeUndefined();
    expect(unknown.annunciations).toBeUndefined();
  });

  it('reports which announced field is missing', () => {
    expect(() => decodeBloodPressure(fromHex('04780050005d00'))).toThrow(/pulse rate/);
    expect(() => decodeBloodPressure(fromHex('0078005000'))).toThrow(/mean arterial pressure/);
  });

  it('encodes what devices send', () => {
    const bytes = fromHex('1e8e005b006c00e9070716091e054800010400');
    expect(toHex(encodeBloodPressure(decodeBloodPressure(bytes)))).toBe(toHex(bytes));
  });

  it('reads Intermediate Cuff Pressure 0x2A36 as a cuff value, never a reading', () => {
    expect(decodeIntermediateCuffPressure(fromHex('00a000ff07ff07'))).toEqual({
      cuffPressure: { value: 160, unit: 'mm[Hg]' },
    });
  });
});
