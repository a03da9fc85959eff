import { decode, loadDriverPackage, unregisterDriver } from '@klinik-desa/devices';
import { type ConformanceVector, describeDriverConformance } from '@klinik-desa/devices/testing';
import type { TemperatureMeasurement } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKdTherm, encodeKdTherm, kdTherm } from './kd-therm.js';
import { kdThermService } from './simulator.js';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/\s/g, ''), 'hex'));

// Values as the README lays them out, the check byte worked by hand (XOR of bytes 0–6).
const vectors: ConformanceVector[] = [
  {
    name: 'forehead 36.85 °C, record 1, battery 80 %',
    frame: bytes('A5 00 65 0E 01 00 50 9F'),
    expect: {
      kind: 'temperature',
      temperature: { value: 36.85, unit: 'Cel' },
      site: 'body',
      sequenceNumber: 1,
      extra: { bodySite: 'forehead', batteryPercent: 80 },
    },
  },
  {
    name: 'HI in the ear: the limit with ">", battery low',
    frame: bytes('A5 05 C2 10 02 00 08 78'),
    expect: {
      kind: 'temperature',
      temperature: { value: 42.9, unit: 'Cel', comparator: '>' },
      site: 'tympanum',
      sequenceNumber: 2,
      extra: { bodySite: 'ear', batteryPercent: 8 },
      annunciations: ['battery-low'],
    },
  },
  {
    name: 'LO on the forehead: the limit with "<"',
    frame: bytes('A5 02 80 0C 03 00 37 1F'),
    expect: {
      kind: 'temperature',
      temperature: { value: 32, unit: 'Cel', comparator: '<' },
      site: 'body',
      sequenceNumber: 3,
      extra: { bodySite: 'forehead', batteryPercent: 55 },
    },
  },
  { name: 'damaged check byte', frame: bytes('A5 00 65 0E 01 00 50 9E'), expect: { error: 'BAD_CHECKSUM' } },
  { name: 'wrong frame marker', frame: bytes('5A 00 65 0E 01 00 50 60'), expect: { error: 'BAD_FORMAT' } },
  {
    name: 'a reserved flag bit set',
    frame: bytes('A5 08 65 0E 01 00 50 97'),
    expect: { error: 'RESERVED_BITS' },
  },
  { name: 'HI and LO at once', frame: bytes('A5 03 65 0E 01 00 50 9C'), expect: { error: 'BAD_FORMAT' } },
  { name: 'battery above 100 %', frame: bytes('A5 00 65 0E 01 00 65 AA'), expect: { error: 'BAD_FORMAT' } },
  { name: 'cut short', frame: bytes('A5 00 65 0E 01'), expect: { error: 'TRUNCATED' } },
  { name: 'too long', frame: bytes('A5 00 65 0E 01 00 50 9F 00'), expect: { error: 'BAD_FORMAT' } },
];

/** Every value the thermometer can send: 32.00–42.90 °C, HI, LO, either site, any record and battery. */
const measurements: fc.Arbitrary<TemperatureMeasurement> = fc
  .record({
    reading: fc.oneof(fc.integer({ min: 3200, max: 4290 }), fc.constantFrom('HI' as const, 'LO' as const)),
    ear: fc.boolean(),
    sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
    battery: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ reading, ear, sequenceNumber, battery }) => {
    const m: TemperatureMeasurement = {
      kind: 'temperature',
      temperature:
        reading === 'HI'
          ? { value: 42.9, unit: 'Cel', comparator: '>' }
          : reading === 'LO'
            ? { value: 32, unit: 'Cel', comparator: '<' }
            : { value: reading / 100, unit: 'Cel' },
      site: ear ? 'tympanum' : 'body',
      sequenceNumber,
      extra: { bodySite: ear ? 'ear' : 'forehead', batteryPercent: battery },
    };
    if (battery <= 10) m.annunciations = ['battery-low'];
    return m;
  });

/** Lets fuzzed values through the check byte so they reach the flags and fields behind it. */
function fixChecksum(frame: Uint8Array): Uint8Array {
  if (frame.length !== 8) return frame;
  const fixed = Uint8Array.from(frame);
  fixed[7] = fixed.subarray(0, 7).reduce((x, b) => x ^ b, 0);
  return fixed;
}

// The whole conformance suite: description, vectors, round trip, fuzzed values (no chunk splits:
// one notification is one value).
describeDriverConformance(kdTherm, { vectors, measurements, fixChecksum, fuzzMaxLength: 12 });

describe('KD-Therm as the agent and the gateway simulator see it', () => {
  it('declares the Bluetooth the gateway must subscribe and write', () => {
    expect(kdTherm.bluetooth).toEqual({
      notifications: [
        {
          service: '7B3A0001-5C1E-4D2B-9F00-4B4450000001',
          characteristic: '7B3A0002-5C1E-4D2B-9F00-4B4450000001',
        },
      ],
      writes: [
        {
          service: '7B3A0001-5C1E-4D2B-9F00-4B4450000001',
          characteristic: '7B3A0003-5C1E-4D2B-9F00-4B4450000001',
          when: 'connected',
          value: '01',
          purpose: 'start a measurement',
        },
      ],
    });
  });

  it('loads by package name and decodes through the registry', async () => {
    const [driver] = await loadDriverPackage('@klinik-desa/example-vendor-ble-driver', {
      importModule: (name) => import(name),
    });
    expect(driver?.id).toBe('kd-therm');
    expect(decode('kd-therm', vectors[0]!.frame)).toEqual({ ok: true, measurement: vectors[0]!.expect });
    unregisterDriver('kd-therm');
  });

  it('simulates the device: a measurement per 0x01 with its record number, the last again on 0x02', () => {
    const device = kdThermService([
      { kind: 'temperature', temperature: { value: 37.2, unit: 'Cel' } },
      { kind: 'temperature', temperature: { value: 42.9, unit: 'Cel', comparator: '>' }, site: 'tympanum' },
    ]);
    const [first] = device.answer(Uint8Array.of(0x01));
    expect(decodeKdTherm(first!)).toMatchObject({ temperature: { value: 37.2 }, sequenceNumber: 1 });
    expect(device.answer(Uint8Array.of(0x02))).toEqual([first]);
    const [second] = device.answer(Uint8Array.of(0x01));
    expect(decodeKdTherm(second!)).toMatchObject({
      temperature: { value: 42.9, comparator: '>' },
      site: 'tympanum',
      sequenceNumber: 2,
    });
    expect(device.answer(Uint8Array.of(0x01))).toEqual([]);
    expect(device.answer(Uint8Array.of(0x07))).toEqual([]);
    expect(() => encodeKdTherm({ kind: 'temperature', temperature: { value: 45, unit: 'Cel' } })).toThrow(
      /32–42.9 °C, else HI or LO/,
    );
  });
});
