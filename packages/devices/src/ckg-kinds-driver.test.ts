import type { DeviceMeasurement } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBytes, toLatin1 } from './bytes.js';
import { DecodeError, EncodeError } from './errors.js';
import { driverProblems } from './plugin-shape.js';
import type { SimulatedDriver } from './simulate/simulation.js';
import { describeDriverConformance, undeclaredKind } from './testing/index.js';

/**
 * A driver as a vendor would write one for a multi-parameter strip meter (cholesterol, uric acid,
 * haemoglobin from one meter, one line per strip): `CHOL 212 mg/dL`, `UA 6.4 mg/dL`,
 * `HB 11.2 g/dL`, `CHOL HI 400 mg/dL`. The format is this test's own; what is tested is that the
 * driver API takes the three kinds, their units and their limits.
 */
const TESTS = {
  CHOL: { kind: 'cholesterol', field: 'totalCholesterol', unit: 'mg/dL', decimals: 0 },
  UA: { kind: 'uric-acid', field: 'uricAcid', unit: 'mg/dL', decimals: 1 },
  HB: { kind: 'haemoglobin', field: 'haemoglobin', unit: 'g/dL', decimals: 1 },
} as const;
type TestName = keyof typeof TESTS;
const ID = 'test-gcu-meter';

function decode(frame: Uint8Array): DeviceMeasurement {
  const text = toLatin1(frame).replace(/\r?\n$/, '');
  const match = /^(CHOL|UA|HB) (?:(HI|LO) )?(\d{1,3}(?:\.\d)?) (mg\/dL|g\/dL)$/.exec(text);
  if (!match)
    throw new DecodeError('BAD_FORMAT', ID, `${JSON.stringify(text)} is not "TEST [HI|LO] value unit"`);
  const test = TESTS[match[1] as TestName];
  if (match[4] !== test.unit)
    throw new DecodeError('UNSUPPORTED', ID, `${match[1]} is given in ${test.unit}`);
  const value = {
    value: Number(match[3]),
    unit: test.unit,
    ...(match[2] ? { comparator: match[2] === 'HI' ? ('>' as const) : ('<' as const) } : {}),
  };
  return { kind: test.kind, [test.field]: value } as unknown as DeviceMeasurement;
}

function encode(measurement: DeviceMeasurement): Uint8Array {
  const entry = Object.entries(TESTS).find(([, t]) => t.kind === measurement.kind);
  if (!entry) throw new EncodeError('WRONG_KIND', ID, `the meter does not measure ${measurement.kind}`);
  const [name, test] = entry;
  const value = (measurement as unknown as Record<string, { value: number | null; comparator?: string }>)[
    test.field
  ];
  if (!value || value.value === null)
    throw new EncodeError('NOT_ENCODABLE', ID, 'the meter always sends a value');
  const limit = value.comparator === '>' ? 'HI ' : value.comparator === '<' ? 'LO ' : '';
  return toBytes(`${name} ${limit}${value.value.toFixed(test.decimals)} ${test.unit}\r\n`);
}

const meter: SimulatedDriver = {
  id: ID,
  name: 'Multi-parameter strip meter (test driver)',
  vendor: 'Test',
  models: ['GCU-like'],
  transport: 'serial',
  kinds: ['cholesterol', 'uric-acid', 'haemoglobin'],
  mode: 'stream',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  framing: { type: 'line', delimiter: '\r\n', maxFrameBytes: 32 },
  confidence: 'partial',
  decode,
  encode,
  examples: [
    { kind: 'cholesterol', totalCholesterol: { value: 212, unit: 'mg/dL' } },
    { kind: 'cholesterol', totalCholesterol: { value: 400, unit: 'mg/dL', comparator: '>' } },
    { kind: 'uric-acid', uricAcid: { value: 6.4, unit: 'mg/dL' } },
    { kind: 'haemoglobin', haemoglobin: { value: 11.2, unit: 'g/dL' } },
    { kind: 'haemoglobin', haemoglobin: { value: 7, unit: 'g/dL', comparator: '<' } },
  ],
};

const tenths = (min: number, max: number) => fc.integer({ min: min * 10, max: max * 10 }).map((x) => x / 10);

describeDriverConformance(meter, {
  measurements: fc.oneof(
    fc
      .integer({ min: 100, max: 400 })
      .map(
        (value): DeviceMeasurement => ({ kind: 'cholesterol', totalCholesterol: { value, unit: 'mg/dL' } }),
      ),
    tenths(3, 20).map(
      (value): DeviceMeasurement => ({ kind: 'uric-acid', uricAcid: { value, unit: 'mg/dL' } }),
    ),
    tenths(5, 26).map(
      (value): DeviceMeasurement => ({ kind: 'haemoglobin', haemoglobin: { value, unit: 'g/dL' } }),
    ),
  ),
  roundTripRuns: 300,
  fuzzRuns: 5_000,
  chunkRuns: 50,
});

describe('the driver API and the point-of-care kinds', () => {
  it('takes cholesterol, uric acid and haemoglobin as kinds a driver declares', () => {
    expect(driverProblems(meter)).toEqual([]);
    expect(driverProblems({ ...meter, kinds: ['cholesterol', 'lipids'] })).toEqual([
      expect.stringContaining('kinds must list measurement kinds'),
    ]);
  });

  it('names a measurement of a kind the driver did not declare', () => {
    const glucoseOnly = { id: 'one-kind', kinds: ['glucose'] as const };
    const problem = undeclaredKind(
      { ...glucoseOnly, kinds: [...glucoseOnly.kinds] },
      { kind: 'haemoglobin', haemoglobin: { value: 12, unit: 'g/dL' } },
    );
    expect(problem).toMatch(/one-kind decoded a haemoglobin measurement .* add haemoglobin to kinds/);
    expect(undeclaredKind(meter, meter.examples![0]!)).toBeUndefined();
  });
});
