import { type ConformanceVector, describeDriverConformance } from '@klinik-desa/devices/testing';
import type { TemperatureMeasurement } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, driver, encodeFrame } from './driver.js';

// Replace these with frames captured from your device (a USB-serial adapter and `cat`), each with
// what it must decode to. Recompute every checksum by hand before trusting a manual's example.
const vectors: ConformanceVector[] = [
  {
    name: 'a reading in °C',
    frame: 'TEMP;T=36.6;U=C;X=53\r\n',
    expect: { kind: 'temperature', temperature: { value: 36.6, unit: 'Cel' } },
  },
  {
    name: 'above the range: the limit with ">"',
    frame: 'TEMP;T=HI;U=C;X=4F\r\n',
    expect: { kind: 'temperature', temperature: { value: 42, unit: 'Cel', comparator: '>' } },
  },
  {
    name: 'a reading in °F',
    frame: 'TEMP;T=98.2;U=F;X=56\r\n',
    expect: { kind: 'temperature', temperature: { value: 98.2, unit: '[degF]' } },
  },
  { name: 'damaged checksum', frame: 'TEMP;T=36.6;U=C;X=54\r\n', expect: { error: 'BAD_CHECKSUM' } },
  { name: 'cut short', frame: 'TEMP;T=36', expect: { error: 'TRUNCATED' } },
];

/** Every reading the device can send, for the round trip decode(encode(m)) = m. */
const measurements: fc.Arbitrary<TemperatureMeasurement> = fc.oneof(
  fc.integer({ min: 320, max: 420 }).map((tenths) => ({
    kind: 'temperature' as const,
    temperature: { value: tenths / 10, unit: 'Cel' as const },
  })),
  fc.constantFrom<TemperatureMeasurement>(
    { kind: 'temperature', temperature: { value: 42, unit: 'Cel', comparator: '>' } },
    { kind: 'temperature', temperature: { value: 32, unit: 'Cel', comparator: '<' } },
  ),
);

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

// The conformance suite: the description, the vectors, the round trip, fuzzed frames (100,000 by
// default; KLINIK_FUZZ_RUNS sets another number) and frames split across reads.
describeDriverConformance(driver, { vectors, measurements, fixChecksum });

describe('the simulator', () => {
  it('sends what the device sends, byte for byte', () => {
    const frame = encodeFrame({ kind: 'temperature', temperature: { value: 36.6, unit: 'Cel' } });
    expect(Buffer.from(frame).toString('latin1')).toBe(vectors[0]!.frame);
    expect(decodeFrame(frame)).toEqual(vectors[0]!.expect);
  });
});
