// The serial decoders in the device-to-record matrix: every vocabulary member and special value a
// serial decoder can emit goes as bytes through its own socat pty into one real agent, over
// Mosquitto, into the clinic record and the screening's FHIR Bundle; the test asserts what the
// consequence table promises and prints the matrix. Then the bad input each serial protocol can
// carry: each a counted, named error in the agent's status and metrics, the device still delivering.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  contecCms50dSimulation,
  createContourMeterSimulator,
  createOneTouchMeterSimulator,
  tanitaSimulation,
} from '@klinik-desa/devices/simulate';
import type {
  DeviceAnnunciation,
  GlucoseMeasurement,
  PulseOximetryMeasurement,
  Reading,
} from '@klinik-desa/protocol';
import { ANNUNCIATION_CONSEQUENCES } from '@klinik-desa/screening';
import { waitFor } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import {
  type FhirObservation,
  fhirObservations,
  meterTimeNow,
  openScreening,
  satusehatFakePerFile,
  satusehatStack,
} from '../src/satusehat-stack.js';
import { type Stack, stackPerTest, weighing } from '../src/stack.js';
import { MATRIX_HEAD, matrixRow, matrixTable, observationOf, promiseKept } from '../src/vocabulary-matrix.js';

const fake = satusehatFakePerFile();

/** One cable per serial device (the A&D scale uses the stack's own). */
const PORTS = ['contour', 'onetouch', 'oximeter', 'tanita', 'vendor'] as const;

/**
 * A vendor's blood-pressure driver on a serial line, making what no built-in serial decoder can: a
 * comparator on a kind that has none (`CMP`) and a name outside the vocabulary (`ODD`).
 */
const VENDOR_DRIVER = `export const driverApiVersion = '1.0.0';
export default {
  id: 'matrix-cuff', name: 'Matrix cuff', vendor: 'Test Vendor', models: ['MC-1'], transport: 'serial',
  kinds: ['blood-pressure'], mode: 'stream',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  framing: { type: 'line', delimiter: '\\r\\n', maxFrameBytes: 64 },
  encode() { return new Uint8Array(); },
  decode(frame) {
    const text = new TextDecoder().decode(frame).trim();
    const [systolic, diastolic] = text.slice(4).split('/').map(Number);
    const bp = { kind: 'blood-pressure', systolic: { value: systolic, unit: 'mm[Hg]' }, diastolic: { value: diastolic, unit: 'mm[Hg]' } };
    if (text.startsWith('CMP ')) bp.systolic.comparator = '>';
    if (text.startsWith('ODD ')) bp.annunciations = ['cuff-on-fire'];
    return bp;
  },
};
`;

/** The vendor driver as a package beside kiosk.yaml, named by its path in `drivers:`. */
function writeVendorDriver(kioskDir: string): void {
  const dir = join(kioskDir, 'drivers', 'matrix-cuff');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'matrix-cuff', version: '1.0.0', type: 'module', main: 'index.js' }),
  );
  writeFileSync(join(dir, 'index.js'), VENDOR_DRIVER);
}

function deviceYaml(stack: Stack): string {
  const line = (id: string, protocol: string, port: string) =>
    `  - { id: ${id}, protocol: ${protocol}, port: "${port}" }`;
  return [
    line('scale-1', 'ad-scale', stack.pty.agentPath),
    line('contour-1', 'bayer-contour', stack.port('contour').agentPath),
    line('onetouch-1', 'onetouch-ultra2', stack.port('onetouch').agentPath),
    line('oximeter-1', 'contec-cms50d-plus', stack.port('oximeter').agentPath),
    line('tanita-1', 'tanita', stack.port('tanita').agentPath),
    line('vendor-1', 'matrix-cuff', stack.port('vendor').agentPath),
  ].join('\n');
}

/** A matrix row: the device, the member (or special value), and how its record is told apart. */
interface Row {
  decoder: string;
  deviceId: string;
  member: DeviceAnnunciation;
  /** The record this row is about, among the device's records. */
  pick: (r: Reading) => boolean;
}

const glucoseValue = (r: Reading) => r.values.find((v) => v.name === 'glucose')?.value;

/** Contour's `>` and `<` markers: the meter's HI and LO beside its limit. */
const CONTOUR_ROWS: Row[] = [
  {
    decoder: 'bayer-contour',
    deviceId: 'contour-1',
    member: 'result-above-device-range',
    pick: (r) => glucoseValue(r) === 600,
  },
  {
    decoder: 'bayer-contour',
    deviceId: 'contour-1',
    member: 'result-below-device-range',
    pick: (r) => glucoseValue(r) === 20,
  },
];

/**
 * OneTouch Ultra 2: the `?` of a damaged stored record. The meter's HI/LO rows go here once the
 * decoder yields them (the OneTouch HI/LO decoding lands separately); each needs a reading in
 * `ONETOUCH_READINGS` the simulator can encode.
 */
const ONETOUCH_ROWS: Row[] = [
  {
    decoder: 'onetouch-ultra2',
    deviceId: 'onetouch-1',
    member: 'record-parity-error',
    pick: (r) => r.annunciations?.includes('record-parity-error') === true,
  },
];

/** The CMS50D+ status bits, each on a finger of its own (its SpO2 tells the finger apart). */
const OXIMETER_MEMBERS = [
  ['finger-out', 91],
  ['spo2-dropping', 92],
  ['probe-error', 93],
  ['searching', 94],
] as const satisfies readonly (readonly [DeviceAnnunciation, number])[];
const OXIMETER_ROWS: Row[] = OXIMETER_MEMBERS.map(([member, spo2]) => ({
  decoder: 'contec-cms50d-plus',
  deviceId: 'oximeter-1',
  member,
  pick: (r) => {
    const value = r.values.find((v) => v.name === 'spo2');
    return (value?.original?.value ?? value?.value) === spo2;
  },
}));

/** The A&D scale's overload: no number, the direction known. */
const SCALE_ROWS: Row[] = [
  {
    decoder: 'ad-scale',
    deviceId: 'scale-1',
    member: 'overload',
    pick: (r) => r.annunciations?.includes('overload') === true,
  },
];

const ROWS = [...SCALE_ROWS, ...CONTOUR_ROWS, ...ONETOUCH_ROWS, ...OXIMETER_ROWS];

/** The OneTouch memory: one damaged record (the meter printed 250 and flagged it). */
function oneTouchReadings(): GlucoseMeasurement[] {
  return [
    {
      kind: 'glucose',
      concentration: { value: null, unit: 'mg/dL', missing: 'unsuccessful' },
      deviceTime: meterTimeNow(true),
      annunciations: ['record-parity-error'],
      extra: { reportedValue: 250 },
    },
  ];
}

/** A finger held still: 125 agreeing packets (the agent settles on 120), then the finger out as the device sends it. */
function finger(spo2: number, member: DeviceAnnunciation): Uint8Array[] {
  const packet = (m: PulseOximetryMeasurement) => contecCms50dSimulation.encode(m);
  const held = packet({
    kind: 'pulse-oximetry',
    spo2: { value: spo2, unit: '%' },
    pulseRate: { value: 72, unit: '/min' },
    annunciations: [member],
  });
  const out = packet({
    kind: 'pulse-oximetry',
    spo2: { value: null, unit: '%', missing: 'unsuccessful' },
    pulseRate: { value: null, unit: '/min', missing: 'unsuccessful' },
    annunciations: ['finger-out'],
  });
  return [...Array.from({ length: 125 }, () => held), out, out];
}

const tanitaRecord = (fat: number) =>
  tanitaSimulation.encode({
    kind: 'body-composition',
    bodyFat: { value: fat, unit: '%' },
    weight: { value: 70.2, unit: 'kg' },
    height: { value: 160, unit: 'cm' },
    sex: 'female',
    age: 46,
  });

/** A Tanita record with one byte changed after its checksum was made. */
function damagedTanita(): Uint8Array {
  const bytes = tanitaRecord(25.5).slice();
  const at = bytes.indexOf(0x35); // a '5' of the body fat
  bytes[at] = 0x36;
  return bytes;
}

/** A Tanita record whose unit settings say pounds and inches, with a right checksum. */
function tanitaInPounds(): string {
  const body = '{0,16,~0,2,~1,2,~2,1,Wk,154.8,FW,25.0,';
  let sum = 0;
  for (const ch of body) sum = (sum + ch.charCodeAt(0)) % 256;
  return `${body}CS,${sum.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

describe('the serial decoders from device to record (socat ptys, real agent, Mosquitto, clinic)', () => {
  const track = stackPerTest();

  it('keeps the promise of the consequence table for every member the serial decoders say, and counts bad input', async () => {
    const { stack, clinic } = satusehatStack(fake(), deviceYaml, {
      serialPorts: PORTS,
      extraYaml: () => ['drivers: [./drivers/matrix-cuff]'],
    });
    writeVendorDriver(stack.dir);
    await track(stack).start();
    const sessionId = await openScreening(stack, clinic().patient.id);
    const now = meterTimeNow();
    const contourResult = (seq: number, mgdl: number, said: DeviceAnnunciation): GlucoseMeasurement => ({
      kind: 'glucose',
      concentration: { value: mgdl, unit: 'mg/dL' },
      specimen: 'capillary-plasma',
      sequenceNumber: seq,
      deviceTime: now,
      annunciations: [said],
    });
    // The meters answer the agent's wake-up, already waiting on their cables; the second Contour
    // frame's first sending has a wrong checksum, and so has the first line of the first OneTouch dump.
    const contour = playDevice(
      stack.port('contour').devicePath,
      createContourMeterSimulator(
        [
          contourResult(1, 600, 'result-above-device-range'),
          contourResult(2, 20, 'result-below-device-range'),
        ],
        { corruptFirstSending: [2] },
      ),
    );
    const onetouch = playDevice(
      stack.port('onetouch').devicePath,
      createOneTouchMeterSimulator(oneTouchReadings(), { corruptFirstDumpLine: 0 }),
    );
    try {
      // The scale: a weighing (its unstable lines are the settling, never a record), an overload,
      // a line with an unknown header, and a weighing after it.
      stack.write(weighing(62.45));
      stack.write(`US,+00150.00 kg\r\n${'OL,+999999.9 kg\r\n'.repeat(3)}ST,+00000.00 kg\r\n`);
      stack.write('XX,+00062.45 kg\r\n');
      stack.write(weighing(70.1));
      // The oximeter: one finger per status bit, a packet broken by an early sync byte between two.
      for (const [member, spo2] of OXIMETER_MEMBERS.slice(0, 2))
        stack.writeTo('oximeter', Buffer.concat(finger(spo2, member)));
      stack.writeTo('oximeter', Uint8Array.of(0x86, 0x40, 0x05));
      for (const [member, spo2] of OXIMETER_MEMBERS.slice(2))
        stack.writeTo('oximeter', Buffer.concat(finger(spo2, member)));
      // Tanita: a damaged record, one in units not confirmed, then a good one.
      stack.writeTo('tanita', damagedTanita());
      stack.writeTo('tanita', tanitaInPounds());
      stack.writeTo('tanita', tanitaRecord(27.5));
      // The vendor's cuff: a comparator on a blood pressure, a name outside the vocabulary, a good one.
      stack.writeTo('vendor', 'CMP 300/90\r\nODD 140/90\r\nBP  121/79\r\n');

      // 3 scale (62.45, overload, 70.1) + 2 Contour + 1 OneTouch + 4 fingers + 1 Tanita + 1 cuff.
      const records = await stack.waitForRecords(12, 45_000).catch((error: Error) => {
        const have = stack.records().map((r) => `${r.device.id} ${JSON.stringify(r.values[0])}`);
        throw new Error(`${error.message}: ${have.join('; ')}\n${stack.agent.output().slice(-4000)}`);
      });
      await stack.waitForEmptyOutbox();
      const observations = await fhirObservations(clinic().admin, sessionId);

      const rows: string[][] = [];
      const broken: string[] = [];
      for (const row of ROWS) {
        const reading = records.find((r) => r.device.id === row.deviceId && row.pick(r));
        const fhir = observationOf(reading, observations);
        const misses = [
          ...(reading ? promiseKept(row.member, reading, fhir) : ['no record']),
          ...(reading && reading.sessionId !== sessionId ? ['bound to the screening'] : []),
        ];
        rows.push(
          matrixRow(
            row.decoder,
            row.member,
            ANNUNCIATION_CONSEQUENCES[row.member].kind,
            reading,
            fhir,
            misses,
          ),
        );
        for (const miss of misses) broken.push(`${row.decoder} ${row.member}: ${miss}`);
      }
      for (const extra of settlingRows(records, observations)) {
        rows.push(extra.row);
        broken.push(...extra.misses);
      }
      console.log(matrixTable('serial device-to-record matrix', MATRIX_HEAD, rows));
      expect(broken).toEqual([]);

      await badInputCounted(stack, records);
    } finally {
      await Promise.all([contour.stop(), onetouch.stop()]);
    }
  }, 90_000);
});

/**
 * What the serial stream devices say while settling, which the table's consequence never meets: the
 * scale's unstable lines and the oximeter's finger out (SpO2 127) end or precede a reading and are
 * never one; the Tanita, whose records carry no member, is stored as measured.
 */
function settlingRows(
  records: readonly Reading[],
  observations: readonly FhirObservation[],
): { row: string[]; misses: string[] }[] {
  const of = (id: string) => records.filter((r) => r.device.id === id);
  const weights = of('scale-1').map((r) => r.values.find((v) => v.name === 'weight')?.value);
  const unstable = of('scale-1').filter((r) => r.annunciations?.includes('unstable'));
  const fingers = of('oximeter-1');
  const tanita = of('tanita-1')[0];
  const tanitaFhir = observationOf(tanita, observations);
  const rows: {
    decoder: string;
    member: string;
    consequence: string;
    reading?: Reading | undefined;
    misses: string[];
  }[] = [
    {
      decoder: 'ad-scale',
      member: 'unstable (US lines)',
      consequence: 'settling: no record',
      reading: of('scale-1')[0],
      misses: [
        ...(unstable.length > 0 ? ['a record of an unstable line'] : []),
        ...(weights[0] === 62.45 && weights[2] === 70.1 ? [] : [`the stable weighings (got ${weights})`]),
      ],
    },
    {
      decoder: 'contec-cms50d-plus',
      member: 'finger-out (SpO2 127)',
      consequence: 'ends the finger: no record',
      misses: fingers.length === OXIMETER_MEMBERS.length ? [] : [`${fingers.length} fingers stored`],
    },
    {
      decoder: 'tanita',
      member: '(emits no member)',
      consequence: 'as measured',
      ...(tanita ? { reading: tanita } : {}),
      misses: [
        ...(tanita?.values.find((v) => v.name === 'bodyFat')?.value === 27.5 ? [] : ['the good record']),
        ...(tanitaFhir?.valueQuantity?.value === 27.5 ? [] : ['its FHIR Observation']),
      ],
    },
  ];
  return rows.map((r) => ({
    row: matrixRow(
      r.decoder,
      r.member,
      r.consequence,
      r.reading,
      r.reading === tanita ? tanitaFhir : undefined,
      r.misses,
    ),
    misses: r.misses.map((m) => `${r.decoder} ${r.member}: ${m}`),
  }));
}

/** The bad input rows: each error counted by its code on its device (status and metrics), the device still delivering. */
async function badInputCounted(stack: Stack, records: readonly Reading[]): Promise<void> {
  const expected: [device: string, code: string, what: string][] = [
    ['scale-1', 'BAD_FORMAT', 'an A&D line with an unknown header'],
    ['contour-1', 'BAD_CHECKSUM', 'a Contour frame with a wrong checksum (NAKed, sent again)'],
    ['onetouch-1', 'BAD_CHECKSUM', 'a OneTouch dump line with a wrong checksum (the dump asked again)'],
    ['oximeter-1', 'BAD_FORMAT', 'a CMS50D+ packet cut short by a sync byte'],
    ['tanita-1', 'BAD_CHECKSUM', 'a Tanita record changed after its checksum'],
    ['tanita-1', 'UNSUPPORTED', 'a Tanita record in pounds and inches'],
    ['vendor-1', 'COMPARATOR_NOT_ALLOWED', 'a driver-made comparator on a blood pressure'],
    ['vendor-1', 'UNKNOWN_ANNUNCIATION', 'a driver-made name outside the vocabulary'],
  ];
  const api = await stack.apiUrl();
  type Status = { devices: { id: string; errors: Record<string, number> }[] };
  const status = await waitFor(
    async () => {
      const s = (await (await fetch(`${api}/status`)).json()) as Status;
      const count = (id: string, code: string) => s.devices.find((d) => d.id === id)?.errors[code] ?? 0;
      return expected.every(([id, code]) => count(id, code) > 0) ? s : undefined;
    },
    {
      what: 'every bad input counted in the kiosk status',
      timeoutMs: 10_000,
    },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${stack.agent.output().slice(-3000)}`);
  });
  const metrics = await (await fetch(`${api}/metrics`)).text();
  const table = expected.map(([id, code, what]) => {
    const n = status.devices.find((d) => d.id === id)?.errors[code] ?? 0;
    const inMetrics = new RegExp(
      `kd_device_errors_total\\{[^}]*device="${id}"[^}]*code="${code}"[^}]*\\} ${n}`,
    );
    return [id, what, code, String(n), inMetrics.test(metrics) ? 'yes' : 'NO'];
  });
  console.log(matrixTable('serial bad input', ['device', 'input', 'error', 'counted', 'in metrics'], table));
  expect(table.filter((r) => r[4] !== 'yes')).toEqual([]);
  // Each device delivered after its bad input: the last weighing, the Tanita and cuff readings after theirs.
  const delivered = (id: string) => records.filter((r) => r.device.id === id).length;
  expect(delivered('tanita-1')).toBe(1);
  expect(delivered('vendor-1')).toBe(1);
  expect(records.find((r) => r.device.id === 'vendor-1')?.values[0]?.value).toBe(121);
  expect(stack.agent.child.exitCode).toBeNull();
}
