import { decode, loadDriverPackage, unregisterDriver } from '@klinik-desa/devices';
import { encode } from '@klinik-desa/devices/simulate';
import { type ConformanceVector, describeDriverConformance } from '@klinik-desa/devices/testing';
import type { WeightMeasurement } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ts200 } from './ts200.js';

const weighing: WeightMeasurement = {
  kind: 'weight',
  weight: { value: 72.35, unit: 'kg' },
  height: { value: 165, unit: 'cm' },
  userId: 7,
};

// What the scale's manual and a capture from a real unit would give: the frame exactly as sent.
const vectors: ConformanceVector[] = [
  {
    name: 'weighing with height and user slot',
    frame: 'TS200;W=072.35;U=KG;S=1;H=165.0;ID=07;X=2C\r\n',
    expect: weighing,
  },
  {
    name: 'still settling',
    frame: 'TS200;W=071.90;U=KG;S=0;X=4F\r\n',
    expect: { kind: 'weight', weight: { value: 71.9, unit: 'kg' }, annunciations: ['unstable'] },
  },
  {
    name: 'overload',
    frame: 'TS200;E=OL;U=KG;X=2A\r\n',
    expect: {
      kind: 'weight',
      weight: { value: null, unit: 'kg', missing: 'out-of-range' },
      annunciations: ['overload'],
    },
  },
  {
    name: 'pounds',
    frame: 'TS200;W=154.32;U=LB;S=1;X=42\r\n',
    expect: { kind: 'weight', weight: { value: 154.32, unit: '[lb_av]' } },
  },
  { name: 'damaged checksum', frame: 'TS200;W=154.32;U=LB;S=1;X=43\r\n', expect: { error: 'BAD_CHECKSUM' } },
  { name: 'cut short', frame: 'TS200;W=154.3', expect: { error: 'TRUNCATED' } },
];

/** Every measurement the scale can send: 0–999.99 in hundredths, optional height and user slot. */
const measurements: fc.Arbitrary<WeightMeasurement> = fc
  .record({
    hundredths: fc.integer({ min: 0, max: 99_999 }),
    unit: fc.constantFrom('kg' as const, '[lb_av]' as const),
    unstable: fc.boolean(),
    heightTenths: fc.option(fc.integer({ min: 0, max: 9_999 }), { nil: undefined }),
    userId: fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined }),
  })
  .map(({ hundredths, unit, unstable, heightTenths, userId }) => {
    const m: WeightMeasurement = { kind: 'weight', weight: { value: hundredths / 100, unit } };
    if (heightTenths !== undefined) m.height = { value: heightTenths / 10, unit: 'cm' };
    if (userId !== undefined) m.userId = userId;
    if (unstable) m.annunciations = ['unstable'];
    return m;
  });

/** Lets fuzzed lines through the checksum so they reach the field parser. */
function fixChecksum(frame: Uint8Array): Uint8Array {
  const text = Buffer.from(frame)
    .toString('latin1')
    .replace(/\r?\n?$/, '');
  const at = text.lastIndexOf(';X=');
  if (at === -1) return frame;
  let x = 0;
  for (let i = 0; i < at; i++) x ^= frame[i]!;
  return Buffer.from(`${text.slice(0, at)};X=${x.toString(16).toUpperCase().padStart(2, '0')}\r\n`, 'latin1');
}

// The whole conformance suite: description, vectors, round trip, 100,000 fuzzed frames, chunk splits.
describeDriverConformance(ts200, { vectors, measurements, fixChecksum });

describe('TS-200 as the agent sees it', () => {
  it('loads by package name from the kiosk config and decodes through the registry', async () => {
    const [driver] = await loadDriverPackage('@klinik-desa/example-vendor-driver', {
      importModule: (name) => import(name),
    });
    expect(driver?.id).toBe('timbang-ts200');
    expect(decode('timbang-ts200', 'TS200;W=072.35;U=KG;S=1;H=165.0;ID=07;X=2C')).toMatchObject({
      ok: true,
      measurement: { weight: { value: 72.35 } },
    });
    expect(Buffer.from(encode('timbang-ts200', weighing)).toString('latin1')).toBe(vectors[0]!.frame);
    unregisterDriver('timbang-ts200');
  });
});
