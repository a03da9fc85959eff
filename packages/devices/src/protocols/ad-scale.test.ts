import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes.js';
import { decode } from '../registry.js';
import { encode } from '../simulate/index.js';
import { parseAdScaleLine } from './ad-scale.js';

describe('ad-scale', () => {
  it('decodes a stable kilogram line', () => {
    expect(decode('ad-scale', 'ST,+00062.45 kg\r\n')).toEqual({
      ok: true,
      measurement: { kind: 'weight', weight: { value: 62.45, unit: 'kg' } },
    });
  });

  it('decodes the shared vector bytes, with and without the terminator', () => {
    const bytes = fromHex('53542c2b30303036322e3435206b670d0a');
    expect(decode('ad-scale', bytes)).toMatchObject({ ok: true, measurement: { weight: { value: 62.45 } } });
    expect(decode('ad-scale', bytes.subarray(0, 15))).toMatchObject({ ok: true });
  });

  it('decodes negative grams and pounds', () => {
    expect(parseAdScaleLine('ST,-0001.234  g')).toEqual({
      header: 'ST',
      weight: -1.234,
      unit: 'g',
      stable: true,
    });
    expect(parseAdScaleLine('ST,+00136.40 lb')).toEqual({
      header: 'ST',
      weight: 136.4,
      unit: '[lb_av]',
      stable: true,
    });
  });

  it('marks unstable lines, which are not weighings', () => {
    expect(parseAdScaleLine('US,+00061.90 kg').stable).toBe(false);
    expect(decode('ad-scale', 'US,+00061.90 kg')).toMatchObject({
      ok: true,
      measurement: { annunciations: ['unstable'] },
    });
  });

  it('gives no number on overload, whatever the data field holds', () => {
    for (const line of ['OL,+999999.9  g', 'OL,+9999E+19 kg']) {
      expect(decode('ad-scale', line)).toEqual({
        ok: true,
        measurement: {
          kind: 'weight',
          weight: { value: null, unit: line.endsWith('kg') ? 'kg' : 'g', missing: 'out-of-range' },
          annunciations: ['overload'],
        },
      });
    }
  });

  it.each([
    ['', 'TRUNCATED'],
    ['ST,+0006', 'TRUNCATED'],
    ['ST,+00062.45 kg extra', 'BAD_FORMAT'],
    ['XX,+00062.45 kg', 'BAD_FORMAT'],
    ['ST;+00062.45 kg', 'BAD_FORMAT'],
    ['ST,+000A2.45 kg', 'BAD_FORMAT'],
    ['ST,+0.0.62.4 kg', 'BAD_FORMAT'],
    ['ST,000062.45 kg', 'BAD_FORMAT'],
    ['QT,+00012345 PC', 'UNSUPPORTED'],
    ['ST,+00062.45 PC', 'UNSUPPORTED'],
    ['\u0000\u00ff\u0013garbage\u0001\u0002\u0003\u0004\u0005\u0006', 'BAD_FORMAT'],
  ])('rejects %j as %s', (line, code) => {
    const result = decode('ad-scale', line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('encodes what it decodes', () => {
    for (const line of [
      'ST,+00062.45 kg\r\n',
      'US,+00061.90 kg\r\n',
      'ST,-0001.234  g\r\n',
      'OL,+999999.9  g\r\n',
    ]) {
      const result = decode('ad-scale', line);
      if (!result.ok) throw result.error;
      expect(Buffer.from(encode('ad-scale', result.measurement)).toString('latin1')).toBe(line);
    }
  });

  it('refuses an unknown protocol with a typed error', () => {
    const result = decode('no-such', 'x');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('UNKNOWN_PROTOCOL');
  });
});
