import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes.js';
import { decodePlxContinuous, decodePlxSpotCheck } from './plx.js';
import { decodeTemperature } from './temperature.js';

describe('Temperature Measurement 0x2A1C', () => {
  it('reads time stamp and site, and a FLOAT NaN as missing', () => {
    expect(decodeTemperature(fromHex('06ffff7f00e90701020304050a'))).toEqual({
      kind: 'temperature',
      temperature: { value: null, unit: 'Cel', missing: 'nan' },
      deviceTime: '2025-01-02T03:04:05',
    });
    expect(decodeTemperature(fromHex('046e0100ff03')).site).toBe('ear');
  });
});

describe('PLX Spot-Check Measurement 0x2A5E', () => {
  it('reads statuses and the pulse amplitude index', () => {
    // flags 0x0E: measurement status, device and sensor status, PAI
    const m = decodePlxSpotCheck(fromHex('0e61004400' + '8000' + '200000' + '0a00'));
    expect(m.annunciations).toEqual(['validated-data', 'low-perfusion-detected']);
    expect(m.pulseAmplitudeIndex).toEqual({ value: 10, unit: '%' });
  });

  it('does not trust a time stamp from a clock that was never set', () => {
    const m = decodePlxSpotCheck(fromHex('1161004400d0070101000000'));
    expect(m.deviceTime).toBeUndefined();
    expect(m.annunciations).toEqual(['device-clock-not-set']);
  });
});

describe('PLX Continuous Measurement 0x2A5F', () => {
  it('keeps the fast and slow averages in extra', () => {
    const m = decodePlxContinuous(fromHex('0361004400' + '60004600' + 'ff074500'));
    expect(m.spo2).toEqual({ value: 97, unit: '%' });
    expect(m.extra).toEqual({ continuous: true, spo2Fast: 96, pulseRateFast: 70, pulseRateSlow: 69 });
  });
});
