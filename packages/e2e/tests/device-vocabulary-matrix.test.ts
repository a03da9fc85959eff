import { createGatewaySimulator } from '@klinik-desa/devices/simulate';
import {
  type BloodPressureMeasurement,
  DEVICE_ANNUNCIATION_NAMES,
  DEVICE_ANNUNCIATIONS,
  type DeviceAnnunciation,
  type GlucoseMeasurement,
  type PulseOximetryMeasurement,
  type Reading,
} from '@klinik-desa/protocol';
import { ANNUNCIATION_CONSEQUENCES } from '@klinik-desa/screening';
import { describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { gatewayYaml } from '../src/gateway-yaml.js';
import {
  type FhirObservation,
  fhirObservations,
  meterTimeNow,
  openScreening,
  satusehatFakePerFile,
  satusehatStack,
} from '../src/satusehat-stack.js';
import { stackPerTest } from '../src/stack.js';
import { MATRIX_HEAD, matrixRow, matrixTable, observationOf, promiseKept } from '../src/vocabulary-matrix.js';

const MONITOR = 'A0:11:22:33:44:01';
const GLUCOMETER = 'A0:11:22:33:44:02';
const OXIMETER = 'A0:11:22:33:44:03';
/** A fingertip oximeter that streams continuous values (0x2A5F): the agent settles them. */
const STREAMING_OXIMETER = 'A0:11:22:33:44:04';

/** The members a characteristic says, read from where the vocabulary says each one comes from. */
const saidBy = (prefix: string) =>
  DEVICE_ANNUNCIATION_NAMES.filter((m) => DEVICE_ANNUNCIATIONS[m].startsWith(prefix));
const BP_MEMBERS = saidBy('GATT 0x2A35 measurement status');
const GLUCOSE_MEMBERS = saidBy('GATT 0x2A18 sensor status');
const PLX_MEMBERS = [...saidBy('GATT PLX'), ...saidBy('GATT 0x2A5E')];

const fake = satusehatFakePerFile();

/** The PLX statuses that decide what becomes of a continuous value, and the finger (its SpO2) that says each. */
const STREAM_MEMBERS = [
  ['measurement-ongoing', 91],
  ['early-estimated-data', 92],
  ['questionable-measurement-detected', 93],
  ['invalid-measurement-detected', 94],
] as const satisfies readonly (readonly [DeviceAnnunciation, number])[];
/** Statuses of values that are not final: shown while settling, never a record. */
const NOT_FINAL = new Set<DeviceAnnunciation>(['measurement-ongoing', 'early-estimated-data']);

/** One finger per member: six values that agree, each carrying the member, then the finger out. */
function streamedFingers(): PulseOximetryMeasurement[] {
  return STREAM_MEMBERS.flatMap(([member, spo2]) => [
    ...Array.from(
      { length: 6 },
      (): PulseOximetryMeasurement => ({
        kind: 'pulse-oximetry',
        spo2: { value: spo2, unit: '%' },
        pulseRate: { value: 72, unit: '/min' },
        annunciations: [member],
        extra: { continuous: true },
      }),
    ),
    {
      kind: 'pulse-oximetry',
      spo2: { value: null, unit: '%', missing: 'nan' },
      extra: { continuous: true },
    } satisfies PulseOximetryMeasurement,
  ]);
}

/** The streamed oximeter's rows: values not final leave no record; the others keep the table's promise. */
function streamRows(records: Reading[], observations: FhirObservation[]) {
  return STREAM_MEMBERS.map(([member]) => {
    const reading = records.find(
      (r) => r.device.address === STREAMING_OXIMETER && r.annunciations?.includes(member),
    );
    const fhir = observations.find((o) => o.identifier.some((id) => id.value === `${reading?.id}.spo2`));
    const misses = NOT_FINAL.has(member)
      ? reading
        ? ['a record of a value that was not final']
        : []
      : reading
        ? promiseKept(member, reading, fhir)
        : ['no record'];
    return { member, reading, fhir, misses };
  });
}

describe('the device vocabulary from device to record (BLE gateway on a pty, real agent, Mosquitto, clinic)', () => {
  const track = stackPerTest();

  it('keeps the promise of the consequence table for every member the GATT decoders say', async () => {
    const { stack, clinic } = satusehatStack(
      fake(),
      gatewayYaml([MONITOR, { address: GLUCOMETER, records: 'all' }, OXIMETER, STREAMING_OXIMETER]),
    );
    await track(stack).start();
    const sessionId = await openScreening(stack, clinic().patient.id);

    const now = meterTimeNow(true);
    const bp = BP_MEMBERS.map(
      (member): BloodPressureMeasurement => ({
        kind: 'blood-pressure',
        systolic: { value: 128, unit: 'mm[Hg]' },
        diastolic: { value: 84, unit: 'mm[Hg]' },
        meanArterialPressure: { value: 99, unit: 'mm[Hg]' },
        annunciations: [member],
      }),
    );
    const glucose = GLUCOSE_MEMBERS.map(
      (member, i): GlucoseMeasurement => ({
        kind: 'glucose',
        concentration: {
          value:
            member === 'result-above-device-range' ? 600 : member === 'result-below-device-range' ? 20 : 110,
          unit: 'mg/dL',
        },
        specimen: 'capillary-plasma',
        sampleLocation: 'finger',
        sequenceNumber: i + 1,
        deviceTime: now,
        annunciations: [member],
      }),
    );
    const plx = PLX_MEMBERS.map(
      (member): PulseOximetryMeasurement => ({
        kind: 'pulse-oximetry',
        spo2: { value: 97, unit: '%' },
        pulseRate: { value: 72, unit: '/min' },
        annunciations: [member],
      }),
    );
    const sim = createGatewaySimulator({
      devices: [
        { address: MONITOR, name: 'UA-651BLE', measurements: bp },
        { address: GLUCOMETER, name: 'Contour Plus One', glucoseRecords: glucose },
        { address: OXIMETER, name: 'Nonin 3230', measurements: plx },
        { address: STREAMING_OXIMETER, name: 'PO3M', measurements: streamedFingers() },
      ],
    });
    const gateway = playDevice(stack.pty.devicePath, sim, sim.boot());
    try {
      const streamed = STREAM_MEMBERS.filter(([m]) => !NOT_FINAL.has(m)).length;
      const total = bp.length + glucose.length + plx.length + streamed;
      const records = await stack.waitForRecords(total, 60_000);
      await stack.waitForEmptyOutbox();
      const observations = await fhirObservations(clinic().admin, sessionId);

      const rows: string[][] = [];
      const broken: string[] = [];
      const cases = [
        ...BP_MEMBERS.map((m) => ['gatt-2a35', m] as const),
        ...GLUCOSE_MEMBERS.map((m) => ['gatt-2a18', m] as const),
        ...PLX_MEMBERS.map((m) => ['gatt-2a5e', m] as const),
      ];
      for (const [decoder, member] of cases) {
        const reading = records.find(
          (r) =>
            r.annunciations?.[0] === member &&
            r.sessionId === sessionId &&
            r.device.address !== STREAMING_OXIMETER,
        );
        const fhir = observationOf(reading, observations);
        const misses = reading ? promiseKept(member, reading, fhir) : ['no record'];
        rows.push(matrixRow(decoder, member, ANNUNCIATION_CONSEQUENCES[member].kind, reading, fhir, misses));
        for (const miss of misses) broken.push(`${decoder} ${member}: ${miss}`);
      }
      for (const { member, reading, fhir, misses } of streamRows(records, observations)) {
        const consequence = NOT_FINAL.has(member) ? 'not final' : ANNUNCIATION_CONSEQUENCES[member].kind;
        rows.push(matrixRow('gatt-2a5f', member, consequence, reading, fhir, misses));
        for (const miss of misses) broken.push(`gatt-2a5f ${member}: ${miss}`);
      }
      console.log(matrixTable('device-to-record matrix', MATRIX_HEAD, rows));
      expect(broken).toEqual([]);
    } finally {
      await gateway.stop();
    }
  }, 120_000);
});
