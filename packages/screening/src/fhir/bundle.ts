import {
  type DataAbsentReason,
  LOINC,
  LOINC_SYSTEM,
  Reading,
  type ReadingValue,
  UCUM_LABEL,
  UCUM_SYSTEM,
} from '@klinik-desa/protocol';
import { DERIVED_DEVICE, sourceValueNames } from '../derive.js';
import { OFF_SCALE_INTERPRETATION } from '../device-vocabulary.js';
import { FhirMappingError, ScreeningOptionError } from '../errors.js';
import { KLINIK_DESA_NAMESPACE, uuidV5 } from '../hash.js';
import { fhirUtc, toInstant, type ZoneSpec, zoneSpec } from '../time.js';
import { isValueName, LOINC_DISPLAY, VALUES } from '../values.js';
import { deviceKey, deviceResource } from './device.js';
import type {
  BundleEntry,
  CodeableConcept,
  Coding,
  EncounterResource,
  EncounterStatus,
  FhirBundleOptions,
  Identifier,
  ObservationComponent,
  ObservationResource,
  Quantity,
  Reference,
  ScreeningForFhir,
  TransactionBundle,
} from './types.js';

export const SATUSEHAT_IDENTIFIER_BASE = 'http://sys-ids.kemkes.go.id';
/** A patient's NIK in SATUSEHAT's master patient index, where the IHS number is looked up by it. */
export const NIK_SYSTEM = 'https://fhir.kemkes.go.id/id/nik';
export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const DATA_ABSENT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
export const OBSERVATION_INTERPRETATION_SYSTEM =
  'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';

/** HL7 FHIR R4 vital-signs profiles, by the LOINC code each one fixes. */
export const HL7_VITAL_SIGNS_PROFILES: Readonly<Record<string, string>> = {
  [LOINC.bloodPressurePanel]: 'http://hl7.org/fhir/StructureDefinition/bp',
  [LOINC.bodyWeight]: 'http://hl7.org/fhir/StructureDefinition/bodyweight',
  [LOINC.bodyHeight]: 'http://hl7.org/fhir/StructureDefinition/bodyheight',
  [LOINC.bmi]: 'http://hl7.org/fhir/StructureDefinition/bmi',
  [LOINC.heartRate]: 'http://hl7.org/fhir/StructureDefinition/heartrate',
  [LOINC.bodyTemperature]: 'http://hl7.org/fhir/StructureDefinition/bodytemp',
  [LOINC.spo2]: 'http://hl7.org/fhir/StructureDefinition/oxygensat',
};
export const HL7_VITAL_SIGNS_BASE_PROFILE = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';

const ABSENT_DISPLAY: Readonly<Record<DataAbsentReason, string>> = {
  unknown: 'Unknown',
  error: 'Error',
  'not-a-number': 'Not a Number (NaN)',
  'positive-infinity': 'Positive Infinity (PINF)',
  'negative-infinity': 'Negative Infinity (NINF)',
  'not-performed': 'Not Performed',
  unsupported: 'Unsupported',
};

/** Readings with no device to name: computed by the kiosk, or typed in by the health worker. */
const NO_DEVICE_PROTOCOLS = new Set<string>([DERIVED_DEVICE.protocol, 'manual']);

/** Values not sent: the mmol/L glucose repeats the mg/dL Observation of the same measurement. */
const NOT_SENT = new Set(['glucoseMolar']);

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const STATUSES: readonly EncounterStatus[] = [
  'planned',
  'arrived',
  'triaged',
  'in-progress',
  'onleave',
  'finished',
  'cancelled',
  'entered-in-error',
  'unknown',
];

type Profile = 'satusehat' | 'hl7-vital-signs';

interface Context {
  profile: Profile;
  systems: { encounter: string; observation: string; device: string };
  subject: Reference;
  performer: Reference[];
  encounterRef: Reference;
  deviceRefs: Map<string, Reference>;
  /** The fullUrl of each value's Observation in this Bundle, by `{reading id}.{value name}`. */
  observationUrls: Map<string, string>;
}

function fullUrlFor(resourceType: string, identifier: Identifier): string {
  return `urn:uuid:${uuidV5(`${resourceType}|${identifier.system}|${identifier.value}`, KLINIK_DESA_NAMESPACE)}`;
}

function entry<R extends BundleEntry['resource']>(resource: R, identifier: Identifier): BundleEntry<R> {
  return {
    fullUrl: fullUrlFor(resource.resourceType, identifier),
    resource,
    // Conditional create: a resend finds the resource by its business identifier instead of
    // creating it twice (where the server honours If-None-Exist).
    request: {
      method: 'POST',
      url: resource.resourceType,
      ifNoneExist: `identifier=${identifier.system}|${identifier.value}`,
    },
  };
}

function checkId(path: string, value: string): void {
  if (!FHIR_ID.test(value)) {
    throw new FhirMappingError(
      path,
      `must be a FHIR id (1-64 letters, digits, "-" or "."), got ${JSON.stringify(value)}`,
    );
  }
}

function instant(
  input: ScreeningForFhir['encounter']['period']['start'],
  zone: ZoneSpec,
  path: string,
): Date {
  try {
    return toInstant(input, zone, path);
  } catch (e) {
    if (e instanceof ScreeningOptionError) throw new FhirMappingError(path, e.message);
    throw e;
  }
}

function periodOf(
  start: ScreeningForFhir['encounter']['period']['start'],
  end: ScreeningForFhir['encounter']['period']['end'],
  zone: ZoneSpec,
  path: string,
): { start: Date; end?: Date } {
  const s = instant(start, zone, `${path}.start`);
  if (end === undefined) return { start: s };
  const e = instant(end, zone, `${path}.end`);
  if (e < s) throw new FhirMappingError(`${path}.end`, 'is before the start');
  return { start: s, end: e };
}

function fhirPeriod(p: { start: Date; end?: Date }) {
  return { start: fhirUtc(p.start), ...(p.end ? { end: fhirUtc(p.end) } : {}) };
}

function encounterResource(s: ScreeningForFhir, zone: ZoneSpec, system: string): EncounterResource {
  const e = s.encounter;
  if (!e.id.trim()) throw new FhirMappingError('encounter.id', 'is empty');
  if (!STATUSES.includes(e.status))
    throw new FhirMappingError('encounter.status', `unknown status ${e.status}`);
  const period = periodOf(e.period.start, e.period.end, zone, 'encounter.period');
  if (e.status === 'finished' && !period.end) {
    throw new FhirMappingError('encounter.period.end', 'a finished encounter needs its end');
  }
  if (e.statusHistory.length === 0) {
    throw new FhirMappingError(
      'encounter.statusHistory',
      'needs at least one entry (SATUSEHAT wants the history)',
    );
  }
  let previous: Date | undefined;
  const statusHistory = e.statusHistory.map((h, i) => {
    const path = `encounter.statusHistory[${i}]`;
    if (!STATUSES.includes(h.status))
      throw new FhirMappingError(`${path}.status`, `unknown status ${h.status}`);
    const p = periodOf(h.start, h.end, zone, path);
    if (previous && p.start < previous)
      throw new FhirMappingError(`${path}.start`, 'is before the previous entry');
    previous = p.start;
    return { status: h.status, period: fhirPeriod(p) };
  });
  if (statusHistory[statusHistory.length - 1]!.status !== e.status) {
    throw new FhirMappingError(
      'encounter.statusHistory',
      `the last entry must be the current status ${e.status}`,
    );
  }
  const practitioner: Reference = { reference: `Practitioner/${s.practitioner.ihsNumber}` };
  if (s.practitioner.display) practitioner.display = s.practitioner.display;
  return {
    resourceType: 'Encounter',
    identifier: [{ system, value: e.id }],
    status: e.status,
    statusHistory,
    class: { system: ACT_CODE_SYSTEM, code: 'AMB', display: 'ambulatory' },
    subject: { reference: `Patient/${s.patient.ihsNumber}`, display: s.patient.display },
    participant: [
      {
        type: [{ coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code: 'ATND', display: 'attender' }] }],
        individual: practitioner,
      },
    ],
    period: fhirPeriod(period),
    location: [{ location: { reference: `Location/${s.location.id}`, display: s.location.display } }],
    serviceProvider: { reference: `Organization/${s.organizationId}` },
  };
}

function loincCoding(code: string): Coding {
  const coding: Coding = { system: LOINC_SYSTEM, code };
  const display = LOINC_DISPLAY[code];
  if (display) coding.display = display;
  return coding;
}

function valueCode(value: ReadingValue): CodeableConcept {
  const coding = [loincCoding(value.code)];
  // HL7's oxygensat profile fixes 2708-6; SATUSEHAT's table names 59408-5 (by pulse oximetry). Both
  // are true of a pulse oximeter reading, so both are sent.
  if (value.code === LOINC.spo2) coding.push(loincCoding(LOINC.spo2Arterial));
  const text = isValueName(value.name) ? VALUES[value.name].label.id : value.name;
  return { coding, text };
}

function quantity(value: ReadingValue & { value: number }): Quantity {
  const q: Quantity = {
    value: value.value,
    unit: UCUM_LABEL[value.unit],
    system: UCUM_SYSTEM,
    code: value.unit,
  };
  // FHIR's element order puts the comparator right after the number it qualifies.
  if (value.comparator)
    return { value: q.value, comparator: value.comparator, unit: q.unit, system: q.system, code: q.code };
  return q;
}

/** A device's limit reads "off scale" (v3 ObservationInterpretation `>` / `<`) beside its comparator. */
function offScale(comparator: '>' | '<'): CodeableConcept[] {
  const { code, display } = OFF_SCALE_INTERPRETATION[comparator];
  return [{ coding: [{ system: OBSERVATION_INTERPRETATION_SYSTEM, code, display }] }];
}

function absent(reason: DataAbsentReason | undefined): CodeableConcept {
  const code = reason ?? 'unknown';
  return { coding: [{ system: DATA_ABSENT_REASON_SYSTEM, code, display: ABSENT_DISPLAY[code] }] };
}

/** Point-of-care blood tests from a strip meter: laboratory results, never vital signs. */
const LABORATORY_VALUES: ReadonlySet<string> = new Set([
  'glucose',
  'totalCholesterol',
  'uricAcid',
  'haemoglobin',
]);

function category(value: ReadingValue): CodeableConcept[] {
  const lab = LABORATORY_VALUES.has(value.name);
  return [
    {
      coding: [
        {
          system: OBSERVATION_CATEGORY_SYSTEM,
          code: lab ? 'laboratory' : 'vital-signs',
          display: lab ? 'Laboratory' : 'Vital Signs',
        },
      ],
    },
  ];
}

function observationBase(
  reading: Reading,
  identifierValue: string,
  code: CodeableConcept,
  categories: CodeableConcept[],
  ctx: Context,
): { resource: ObservationResource; identifier: Identifier } {
  const identifier = { system: ctx.systems.observation, value: identifierValue };
  const measured = new Date(reading.measuredAt);
  const received = new Date(reading.receivedAt);
  const resource: ObservationResource = {
    resourceType: 'Observation',
    identifier: [identifier],
    status: 'final',
    category: categories,
    code,
    subject: ctx.subject,
    encounter: ctx.encounterRef,
    effectiveDateTime: fhirUtc(measured),
    // Released when the kiosk had it; never before it was measured, whatever the device clock said.
    issued: fhirUtc(received > measured ? received : measured),
    performer: ctx.performer,
  };
  const device = ctx.deviceRefs.get(deviceKey(reading));
  if (device) resource.device = device;
  return { resource, identifier };
}

function withValue(resource: ObservationResource, value: ReadingValue): void {
  if (value.value === null) resource.dataAbsentReason = absent(value.absentReason);
  else resource.valueQuantity = quantity({ ...value, value: value.value });
  if (value.comparator) resource.interpretation = offScale(value.comparator);
  if (value.derived) {
    resource.method = {
      text:
        value.name === 'bmi'
          ? 'Dihitung dari berat dan tinggi badan (BMI computed from weight and height)'
          : 'Rata-rata pengukuran kunjungan ini (mean of this visit’s measurements)',
    };
  }
}

function valueObservation(reading: Reading, value: ReadingValue, ctx: Context): BundleEntry {
  const { resource, identifier } = observationBase(
    reading,
    `${reading.id}.${value.name}`,
    valueCode(value),
    category(value),
    ctx,
  );
  withValue(resource, value);
  if (value.derived) withDerivedFrom(resource, reading, sourceValueNames(value.name), ctx);
  if (ctx.profile === 'hl7-vital-signs' && !LABORATORY_VALUES.has(value.name)) {
    resource.meta = { profile: [HL7_VITAL_SIGNS_PROFILES[value.code] ?? HL7_VITAL_SIGNS_BASE_PROFILE] };
  }
  return entry(orderObservation(resource), identifier);
}

function bloodPressurePanel(
  reading: Reading,
  systolic: ReadingValue,
  diastolic: ReadingValue,
  ctx: Context,
): BundleEntry {
  const { resource, identifier } = observationBase(
    reading,
    `${reading.id}.bloodPressure`,
    { coding: [loincCoding(LOINC.bloodPressurePanel)], text: 'Tekanan darah' },
    category(systolic),
    ctx,
  );
  resource.meta = { profile: [HL7_VITAL_SIGNS_PROFILES[LOINC.bloodPressurePanel]!] };
  resource.component = [systolic, diastolic].map((v): ObservationComponent => {
    const component: ObservationComponent = { code: valueCode(v) };
    if (v.value === null) component.dataAbsentReason = absent(v.absentReason);
    else component.valueQuantity = quantity({ ...v, value: v.value });
    return component;
  });
  if (systolic.derived) {
    resource.method = { text: 'Rata-rata pengukuran kunjungan ini (mean of this visit’s measurements)' };
    withDerivedFrom(resource, reading, ['bloodPressure'], ctx);
  }
  return entry(orderObservation(resource), identifier);
}

/**
 * Points a computed value at the Observations it was computed from (BMI at the weight and the
 * height, a mean at each measurement), where those are in this Bundle: a reader of the record can
 * then check the arithmetic. Sources outside the Bundle are left out rather than guessed at.
 */
function withDerivedFrom(
  resource: ObservationResource,
  reading: Reading,
  valueNames: readonly string[],
  ctx: Context,
): void {
  const refs: Reference[] = [];
  for (const source of reading.derivedFrom ?? []) {
    for (const name of valueNames) {
      const url = ctx.observationUrls.get(`${source}.${name}`);
      if (url) refs.push({ reference: url });
    }
  }
  if (refs.length > 0) resource.derivedFrom = refs;
}

/** Fixed key order, so golden files read the same way the FHIR spec lists the elements. */
function orderObservation(o: ObservationResource): ObservationResource {
  const order: (keyof ObservationResource)[] = [
    'resourceType',
    'meta',
    'identifier',
    'status',
    'category',
    'code',
    'subject',
    'encounter',
    'effectiveDateTime',
    'issued',
    'performer',
    'valueQuantity',
    'dataAbsentReason',
    'interpretation',
    'method',
    'device',
    'derivedFrom',
    'component',
  ];
  const out: Record<string, unknown> = {};
  for (const key of order) if (o[key] !== undefined) out[key] = o[key];
  return out as unknown as ObservationResource;
}

function checkScreening(s: ScreeningForFhir): Reading[] {
  checkId('patient.ihsNumber', s.patient.ihsNumber);
  checkId('practitioner.ihsNumber', s.practitioner.ihsNumber);
  checkId('organizationId', s.organizationId);
  checkId('location.id', s.location.id);
  if (!s.patient.display.trim()) throw new FhirMappingError('patient.display', 'is empty');
  if (s.readings.length === 0)
    throw new FhirMappingError('readings', 'a screening needs at least one reading');
  const ids = new Set<string>();
  return s.readings.map((r, i) => {
    const parsed = Reading.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FhirMappingError(
        `readings[${i}].${issue?.path.join('.') ?? ''}`,
        issue?.message ?? 'invalid',
      );
    }
    if (ids.has(r.id)) throw new FhirMappingError(`readings[${i}].id`, `duplicate reading id ${r.id}`);
    ids.add(r.id);
    return parsed.data;
  });
}

function buildBundle(s: ScreeningForFhir, profile: Profile, options: FhirBundleOptions): TransactionBundle {
  const readings = checkScreening(s);
  let zone: ZoneSpec;
  try {
    zone = zoneSpec(s.timeZone !== undefined ? { timeZone: s.timeZone } : {});
  } catch (e) {
    throw new FhirMappingError('timeZone', (e as Error).message);
  }
  const base = (options.identifierBase ?? SATUSEHAT_IDENTIFIER_BASE).replace(/\/+$/, '');
  const systems = {
    encounter: `${base}/encounter/${s.organizationId}`,
    observation: `${base}/observation/${s.organizationId}`,
    device: `${base}/device/${s.organizationId}`,
  };

  const encounter = encounterResource(s, zone, systems.encounter);
  const encounterEntry = entry(encounter, encounter.identifier[0]!);

  readings.sort((a, b) =>
    a.measuredAt === b.measuredAt
      ? a.id < b.id
        ? -1
        : 1
      : Date.parse(a.measuredAt) - Date.parse(b.measuredAt),
  );
  const deviceEntries: BundleEntry[] = [];
  const deviceRefs = new Map<string, Reference>();
  for (const reading of readings) {
    if (NO_DEVICE_PROTOCOLS.has(reading.device.protocol)) continue;
    const key = deviceKey(reading);
    if (deviceRefs.has(key)) continue;
    const info =
      s.devices?.find((d) => d.id === reading.device.id && d.kioskId === reading.kioskId) ??
      s.devices?.find((d) => d.id === reading.device.id && d.kioskId === undefined);
    const { resource, identifier, reference } = deviceResource(s, reading, info, systems.device);
    const e = entry(resource, identifier);
    deviceEntries.push(e);
    deviceRefs.set(key, { reference: e.fullUrl, ...reference });
  }

  const ctx: Context = {
    profile,
    systems,
    subject: { reference: `Patient/${s.patient.ihsNumber}`, display: s.patient.display },
    performer: [{ reference: `Practitioner/${s.practitioner.ihsNumber}` }],
    encounterRef: { reference: encounterEntry.fullUrl },
    deviceRefs,
    observationUrls: new Map(),
  };
  // Which Observation each value becomes, decided before any is built, so that a derived value can
  // refer to its sources whatever the order.
  const plan = readings.map((reading) => {
    const values = reading.values.filter((v) => !NOT_SENT.has(v.name));
    const systolic = values.find((v) => v.code === LOINC.systolic);
    const diastolic = values.find((v) => v.code === LOINC.diastolic);
    const panel =
      profile === 'hl7-vital-signs' && systolic && diastolic ? { systolic, diastolic } : undefined;
    const single = values.filter((v) => !(panel && (v === panel.systolic || v === panel.diastolic)));
    const names = [...(panel ? ['bloodPressure'] : []), ...single.map((v) => v.name)];
    for (const name of names) {
      const value = `${reading.id}.${name}`;
      ctx.observationUrls.set(value, fullUrlFor('Observation', { system: systems.observation, value }));
    }
    return { reading, panel, single };
  });
  const observations: BundleEntry[] = [];
  for (const { reading, panel, single } of plan) {
    if (panel) observations.push(bloodPressurePanel(reading, panel.systolic, panel.diastolic, ctx));
    for (const value of single) observations.push(valueObservation(reading, value, ctx));
  }
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [encounterEntry, ...deviceEntries, ...observations],
  };
}

/**
 * The SATUSEHAT form of a screening: a FHIR R4 transaction Bundle with the Encounter (AMB, status
 * history, ATND participant, location, serviceProvider), the Devices, and one Observation per value
 * (systolic and diastolic apart), each with a business identifier `{reading id}.{value name}` under
 * `http://sys-ids.kemkes.go.id/observation/{organization id}`. Times are UTC with `+00:00`.
 * Throws `FhirMappingError` naming the input field that does not fit.
 */
export function toSatusehatBundle(
  screening: ScreeningForFhir,
  options: FhirBundleOptions = {},
): TransactionBundle {
  return buildBundle(screening, 'satusehat', options);
}

/**
 * The HL7 FHIR R4 vital-signs form of the same screening, for FHIR servers other than SATUSEHAT:
 * blood pressure as one 85354-9 panel with systolic and diastolic components, and every vital sign
 * claiming its HL7 profile (`meta.profile`). Glucose is a laboratory Observation with no profile.
 */
export function toVitalSignsBundle(
  screening: ScreeningForFhir,
  options: FhirBundleOptions = {},
): TransactionBundle {
  return buildBundle(screening, 'hl7-vital-signs', options);
}
