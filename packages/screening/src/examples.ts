import type { DeviceMeasurement, Reading } from '@klinik-desa/protocol';
import { assessScreening, type ScreeningAssessment } from './assess.js';
import { toSatusehatBundle, toVitalSignsBundle } from './fhir/bundle.js';
import type { ScreeningForFhir, TransactionBundle } from './fhir/types.js';
import { hashedUuidV7 } from './hash.js';
import { normalize } from './normalize.js';
import { toReading } from './reading.js';
import type { Sex } from './triage.js';

/**
 * Three example screenings, from device measurements to FHIR bundles. They feed the golden files in
 * docs/examples (scripts/write-examples.ts) and the tests that check those files. Every name, id and
 * number here is made up.
 */
export interface ExampleScreening {
  name: string;
  title: string;
  patient: { sex: Sex; ageYears: number };
  clinicId: string;
  kioskId: string;
  measurements: readonly {
    device: { id: string; protocol: string };
    receivedAt: string;
    measurement: DeviceMeasurement;
  }[];
  fhir: Omit<ScreeningForFhir, 'readings'>;
}

const DEVICES: ScreeningForFhir['devices'] = [
  { id: 'bp-1', protocol: 'gatt-2a35', vendor: 'A&D Medical', model: 'UA-651BLE' },
  {
    id: 'scale-1',
    protocol: 'gatt-2a9d',
    vendor: 'A&D Medical',
    model: 'UC-352BLE',
    serialNumber: '5140012345',
  },
  { id: 'glucometer-1', protocol: 'bayer-contour', vendor: 'Ascensia', model: 'Contour Plus' },
  { id: 'thermometer-1', protocol: 'gatt-2a1c' },
  { id: 'oximeter-1', protocol: 'gatt-2a5e', vendor: 'Nonin', model: '3230' },
];

const CLINIC = {
  organizationId: '100012345',
  location: {
    id: '5f1c7d2e-8a9b-4c3d-9e0f-1a2b3c4d5e6f',
    display: 'Ruang Pemeriksaan, Klinik Desa Sukamaju',
  },
  practitioner: { ihsNumber: 'N10000001', display: 'Ns. Ani Wulandari' },
  timeZone: 'Asia/Jakarta',
  devices: DEVICES,
};

function visit(
  id: string,
  date: string,
  from: string,
  seen: string,
  to: string,
): ScreeningForFhir['encounter'] {
  // Wall times without an offset: read in the clinic's zone (WIB).
  const at = (t: string) => `${date}T${t}`;
  return {
    id,
    status: 'finished',
    period: { start: at(from), end: at(to) },
    statusHistory: [
      { status: 'arrived', start: at(from), end: at(seen) },
      { status: 'in-progress', start: at(seen), end: at(to) },
      { status: 'finished', start: at(to), end: at(to) },
    ],
  };
}

const mmHg = (value: number) => ({ value, unit: 'mm[Hg]' as const });
const perMin = (value: number) => ({ value, unit: '/min' as const });

export const EXAMPLES: readonly ExampleScreening[] = [
  {
    name: 'normal-adult',
    title: 'Normal adult: every value in range',
    patient: { sex: 'female', ageYears: 34 },
    clinicId: 'kdmp-3201-001',
    kioskId: 'kiosk-1',
    measurements: [
      {
        device: { id: 'bp-1', protocol: 'gatt-2a35' },
        receivedAt: '2026-11-23T02:05:12Z',
        measurement: {
          kind: 'blood-pressure',
          systolic: mmHg(118),
          diastolic: mmHg(76),
          pulseRate: perMin(72),
          deviceTime: '2026-11-23T09:05:10',
        },
      },
      {
        device: { id: 'bp-1', protocol: 'gatt-2a35' },
        receivedAt: '2026-11-23T02:07:04Z',
        measurement: {
          kind: 'blood-pressure',
          systolic: mmHg(114),
          diastolic: mmHg(74),
          pulseRate: perMin(70),
          deviceTime: '2026-11-23T09:07:02',
        },
      },
      {
        device: { id: 'scale-1', protocol: 'gatt-2a9d' },
        receivedAt: '2026-11-23T02:09:00Z',
        measurement: { kind: 'weight', weight: { value: 55.2, unit: 'kg' } },
      },
      {
        device: { id: 'manual', protocol: 'manual' },
        receivedAt: '2026-11-23T02:10:00Z',
        measurement: { kind: 'height', height: { value: 157, unit: 'cm' } },
      },
      {
        device: { id: 'manual', protocol: 'manual' },
        receivedAt: '2026-11-23T02:11:00Z',
        measurement: { kind: 'waist', waistCircumference: { value: 74, unit: 'cm' } },
      },
      {
        device: { id: 'glucometer-1', protocol: 'bayer-contour' },
        receivedAt: '2026-11-23T02:14:30Z',
        measurement: {
          kind: 'glucose',
          concentration: { value: 96, unit: 'mg/dL' },
          specimen: 'capillary-whole-blood',
          meal: 'casual',
          sequenceNumber: 41,
          deviceTime: '2026-11-23T09:13',
        },
      },
      {
        device: { id: 'thermometer-1', protocol: 'gatt-2a1c' },
        receivedAt: '2026-11-23T02:15:02Z',
        measurement: {
          kind: 'temperature',
          temperature: { value: 36.6, unit: 'Cel' },
          site: 'ear',
          deviceTime: '2026-11-23T09:15:00',
        },
      },
      {
        device: { id: 'oximeter-1', protocol: 'gatt-2a5e' },
        receivedAt: '2026-11-23T02:16:00Z',
        measurement: { kind: 'pulse-oximetry', spo2: { value: 98, unit: '%' }, pulseRate: perMin(71) },
      },
    ],
    fhir: {
      ...CLINIC,
      encounter: visit('KS-20261123-0001', '2026-11-23', '09:00:00', '09:03:00', '09:20:00'),
      patient: { ihsNumber: 'P00000000001', display: 'Siti Rahayu' },
    },
  },
  {
    name: 'hypertension-crisis',
    title: 'Hypertension crisis: mean blood pressure at grade 3 (urgent referral)',
    patient: { sex: 'male', ageYears: 58 },
    clinicId: 'kdmp-3201-001',
    kioskId: 'kiosk-1',
    measurements: [
      {
        device: { id: 'bp-1', protocol: 'gatt-2a35' },
        receivedAt: '2026-11-23T03:05:20Z',
        measurement: {
          kind: 'blood-pressure',
          systolic: { value: 24.8, unit: 'kPa' },
          diastolic: { value: 14.9, unit: 'kPa' },
          meanArterialPressure: { value: 18.2, unit: 'kPa' },
          pulseRate: perMin(88),
          deviceTime: '2026-11-23T10:05:18',
        },
      },
      {
        device: { id: 'bp-1', protocol: 'gatt-2a35' },
        receivedAt: '2026-11-23T03:07:31Z',
        measurement: {
          kind: 'blood-pressure',
          systolic: mmHg(192),
          diastolic: mmHg(114),
          meanArterialPressure: { value: null, unit: 'mm[Hg]', missing: 'nan' },
          pulseRate: perMin(90),
          deviceTime: '2026-11-23T10:07:29',
        },
      },
      {
        device: { id: 'scale-1', protocol: 'gatt-2a9d' },
        receivedAt: '2026-11-23T03:09:10Z',
        measurement: {
          kind: 'weight',
          weight: { value: 72, unit: 'kg' },
          height: { value: 1.68, unit: 'm' },
          bmi: { value: 25.5, unit: 'kg/m2' },
        },
      },
      {
        device: { id: 'manual', protocol: 'manual' },
        receivedAt: '2026-11-23T03:10:00Z',
        measurement: { kind: 'waist', waistCircumference: { value: 92.5, unit: 'cm' } },
      },
      {
        device: { id: 'glucometer-1', protocol: 'bayer-contour' },
        receivedAt: '2026-11-23T03:12:40Z',
        measurement: {
          kind: 'glucose',
          concentration: { value: 132, unit: 'mg/dL' },
          specimen: 'capillary-whole-blood',
          sequenceNumber: 42,
          deviceTime: '2026-11-23T10:12',
        },
      },
      {
        device: { id: 'thermometer-1', protocol: 'gatt-2a1c' },
        receivedAt: '2026-11-23T03:13:30Z',
        // This thermometer's clock was reset to 2000-01-01: the kiosk time is used and flagged.
        measurement: {
          kind: 'temperature',
          temperature: { value: 36.8, unit: 'Cel' },
          deviceTime: '2000-01-01T00:03:12',
        },
      },
      {
        device: { id: 'oximeter-1', protocol: 'gatt-2a5e' },
        receivedAt: '2026-11-23T03:14:00Z',
        measurement: { kind: 'pulse-oximetry', spo2: { value: 96, unit: '%' }, pulseRate: perMin(86) },
      },
    ],
    fhir: {
      ...CLINIC,
      encounter: visit('KS-20261123-0002', '2026-11-23', '10:00:00', '10:02:00', '10:25:00'),
      patient: { ihsNumber: 'P00000000002', display: 'Budi Santoso' },
    },
  },
  {
    name: 'diabetes-obesity',
    title: 'Fasting glucose in the diabetic range (meter in mmol/L) with obesity and central obesity',
    patient: { sex: 'female', ageYears: 47 },
    clinicId: 'kdmp-3201-001',
    kioskId: 'kiosk-2',
    measurements: [
      {
        device: { id: 'bp-1', protocol: 'gatt-2a35' },
        receivedAt: '2026-11-24T00:35:05Z',
        measurement: {
          kind: 'blood-pressure',
          systolic: mmHg(134),
          diastolic: mmHg(86),
          pulseRate: perMin(80),
          deviceTime: '2026-11-24T07:35:03',
        },
      },
      {
        device: { id: 'bp-1', protocol: 'gatt-2a35' },
        receivedAt: '2026-11-24T00:37:15Z',
        measurement: {
          kind: 'blood-pressure',
          systolic: mmHg(130),
          diastolic: mmHg(84),
          pulseRate: perMin(78),
          deviceTime: '2026-11-24T07:37:13',
        },
      },
      {
        device: { id: 'scale-1', protocol: 'gatt-2a9d' },
        receivedAt: '2026-11-24T00:39:00Z',
        // The first weighing failed (0xFFFF): recorded as data absent, never as a number.
        measurement: { kind: 'weight', weight: { value: null, unit: '[lb_av]', missing: 'unsuccessful' } },
      },
      {
        device: { id: 'scale-1', protocol: 'gatt-2a9d' },
        receivedAt: '2026-11-24T00:39:40Z',
        measurement: { kind: 'weight', weight: { value: 182.5, unit: '[lb_av]' } },
      },
      {
        device: { id: 'manual', protocol: 'manual' },
        receivedAt: '2026-11-24T00:40:30Z',
        measurement: { kind: 'height', height: { value: 152, unit: 'cm' } },
      },
      {
        device: { id: 'manual', protocol: 'manual' },
        receivedAt: '2026-11-24T00:41:10Z',
        measurement: { kind: 'waist', waistCircumference: { value: 98, unit: 'cm' } },
      },
      {
        device: { id: 'glucometer-1', protocol: 'bayer-contour' },
        receivedAt: '2026-11-24T00:33:20Z',
        measurement: {
          kind: 'glucose',
          concentration: { value: 8.1, unit: 'mmol/L' },
          specimen: 'capillary-plasma',
          meal: 'fasting',
          sequenceNumber: 7,
          deviceTime: '2026-11-24T07:32',
        },
      },
      {
        device: { id: 'thermometer-1', protocol: 'gatt-2a1c' },
        receivedAt: '2026-11-24T00:43:00Z',
        measurement: { kind: 'temperature', temperature: { value: 99.1, unit: '[degF]' }, site: 'armpit' },
      },
      {
        device: { id: 'oximeter-1', protocol: 'gatt-2a5e' },
        receivedAt: '2026-11-24T00:44:00Z',
        measurement: { kind: 'pulse-oximetry', spo2: { value: 97, unit: '%' }, pulseRate: perMin(79) },
      },
    ],
    fhir: {
      ...CLINIC,
      encounter: visit('KS-20261124-0003', '2026-11-24', '07:30:00', '07:31:00', '07:50:00'),
      patient: { ihsNumber: 'P00000000003', display: 'Dewi Lestari' },
    },
  },
];

export interface BuiltExample {
  readings: Reading[];
  assessment: ScreeningAssessment;
  satusehat: TransactionBundle;
  vitalSigns: TransactionBundle;
}

/** Runs an example through the whole package: normalize, assess, and both FHIR forms. */
export function buildExample(example: ExampleScreening): BuiltExample {
  const readings = example.measurements.map(({ device, receivedAt, measurement }, i) => {
    const result = normalize(measurement, { receivedAt, patient: example.patient });
    if (!result.ok) throw result.error;
    return toReading(result.reading, {
      id: hashedUuidV7(Date.parse(receivedAt), `example:${example.name}:${i}`),
      clinicId: example.clinicId,
      kioskId: example.kioskId,
      device,
      sessionId: example.fhir.encounter.id,
      patientId: `pt-${example.fhir.patient.ihsNumber.toLowerCase()}`,
    });
  });
  const assessment = assessScreening(readings, example.patient);
  const screening: ScreeningForFhir = { ...example.fhir, readings: [...readings, ...assessment.derived] };
  return {
    readings,
    assessment,
    satusehat: toSatusehatBundle(screening),
    vitalSigns: toVitalSignsBundle(screening),
  };
}

/** The golden files of docs/examples, by file name. */
export function exampleFiles(): Record<string, TransactionBundle> {
  const files: Record<string, TransactionBundle> = {};
  for (const example of EXAMPLES) {
    const built = buildExample(example);
    files[`${example.name}.satusehat.json`] = built.satusehat;
    files[`${example.name}.vital-signs.json`] = built.vitalSigns;
  }
  return files;
}
