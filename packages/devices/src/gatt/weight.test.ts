import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import {
  decodeBodyComposition,
  encodeBodyComposition,
  mergeBodyCompositionPackets,
} from './body-composition.js';
import { decodeWeight, encodeWeight } from './weight.js';

describe('Weight Measurement 0x2A9D', () => {
  it('reads imperial weight with user, BMI and height in inches', () => {
    // flags 0x0D: imperial, user id, BMI+height; 154.32 lb, user 3, BMI 22.1, 68.5 in
    expect(decodeWeight(fromHex('0d483c03dd00ad02'))).toEqual({
      kind: 'weight',
      weight: { value: 154.32, unit: '[lb_av]' },
      userId: 3,
      bmi: { value: 22.1, unit: 'kg/m2' },
      height: { value: 68.5, unit: '[in_i]' },
    });
  });

  it('encodes BMI and height only together', () => {
    expect(() =>
      encodeWeight({ kind: 'weight', weight: { value: 60, unit: 'kg' }, bmi: { value: 22, unit: 'kg/m2' } }),
    ).toThrow(/together/);
    expect(toHex(encodeWeight(decodeWeight(fromHex('0ad039e907071609290021014006'))))).toBe(
      '0ad039e907071609290021014006',
    );
  });
});

describe('Body Composition Measurement 0x2A9C', () => {
  it('reads every field in flag order', () => {
    // flags 0x1FFE: all fields, SI, multiple packet
    const hex =
      'fe1f' +
      'f300' +
      'e9070716092900' +
      '01' +
      '6419' +
      'c201' +
      '5c4b' +
      'a08c' +
      'b88b' +
      '4060' +
      '0314' +
      'a86e' +
      '9006';
    expect(decodeBodyComposition(fromHex(hex))).toEqual({
      kind: 'body-composition',
      bodyFat: { value: 24.3, unit: '%' },
      deviceTime: '2025-07-22T09:41:00',
      userId: 1,
      basalMetabolism: { value: 6500, unit: 'kJ' },
      musclePercentage: { value: 45, unit: '%' },
      muscleMass: { value: 96.46, unit: 'kg' },
      fatFreeMass: { value: 180, unit: 'kg' },
      softLeanMass: { value: 178.84, unit: 'kg' },
      bodyWaterMass: { value: 123.2, unit: 'kg' },
      impedance: { value: 512.3, unit: 'Ohm' },
      weight: { value: 141.64, unit: 'kg' },
      height: { value: 1.68, unit: 'm' },
      extra: { multiplePacket: true },
    });
    expect(toHex(encodeBodyComposition(decodeBodyComposition(fromHex(hex))))).toBe(hex);
  });

  it('says "unsuccessful" for a body fat of 0xFFFF', () => {
    expect(decodeBodyComposition(fromHex('0000ffff')).bodyFat).toEqual({
      value: null,
      unit: '%',
      missing: 'unsuccessful',
    });
  });

  it('joins the two packets of a multiple-packet measurement', () => {
    const first = decodeBodyComposition(fromHex('0810f3006419'));
    const second = decodeBodyComposition(fromHex('0014f300a86e'));
    expect(mergeBodyCompositionPackets(first, second)).toEqual({
      kind: 'body-composition',
      bodyFat: { value: 24.3, unit: '%' },
      basalMetabolism: { value: 6500, unit: 'kJ' },
      weight: { value: 141.64, unit: 'kg' },
    });
  });

  it('keeps the address of the device behind a gateway when it joins the packets', () => {
    const extra = { multiplePacket: true, deviceAddress: 'A0:11:22:33:44:05' };
    const first = { ...decodeBodyComposition(fromHex('0810f3006419')), extra };
    const second = { ...decodeBodyComposition(fromHex('0014f300a86e')), extra };
    expect(mergeBodyCompositionPackets(first, second).extra).toEqual({ deviceAddress: 'A0:11:22:33:44:05' });
  });
});
