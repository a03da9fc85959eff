import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes.js';
import { decodeCharacteristic, shortUuid } from './characteristics.js';
import { decodeDateTime, encodeDateTime } from './date-time.js';

describe('GATT characteristic table', () => {
  it('accepts the ways people write a UUID', () => {
    for (const form of ['2a35', '2A35', '0x2a35', '00002a35', '00002a35-0000-1000-8000-00805f9b34fb']) {
      expect(shortUuid(form)).toBe('2a35');
    }
    expect(shortUuid('6e400001-b5a3-f393-e0a9-e50e24dcca9e')).toBeUndefined();
  });

  it('decodes non-measurement characteristics too', () => {
    expect(decodeCharacteristic('2a08', fromHex('e90707160908'.concat('07')))).toEqual({
      characteristic: '2a08',
      type: 'date-time',
      dateTime: { year: 2025, month: 7, day: 22, hours: 9, minutes: 8, seconds: 7 },
      localDateTime: '2025-07-22T09:08:07',
    });
    expect(decodeCharacteristic('2a52', fromHex('06000101'))).toMatchObject({
      type: 'record-access-control-point',
    });
    expect(decodeCharacteristic('2a34', fromHex('021100' + '01'))).toMatchObject({
      context: { meal: 'preprandial' },
    });
  });

  it('refuses what it does not know with UNSUPPORTED', () => {
    expect(() => decodeCharacteristic('2a37', fromHex('0048'))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
  });
});

describe('Date Time 0x2A08', () => {
  it('keeps "not known" dates and refuses impossible ones', () => {
    expect(decodeDateTime(fromHex('00000000000000'))).toEqual({
      year: 0,
      month: 0,
      day: 0,
      hours: 0,
      minutes: 0,
      seconds: 0,
    });
    expect(() => decodeDateTime(fromHex('e907021e000000'))).toThrow(
      expect.objectContaining({ code: 'BAD_FORMAT' }),
    );
    expect(() => decodeDateTime(fromHex('e90702'))).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
    const leapDay = { year: 2024, month: 2, day: 29, hours: 23, minutes: 59, seconds: 59 };
    expect(decodeDateTime(encodeDateTime(leapDay))).toEqual(leapDay);
  });
});
