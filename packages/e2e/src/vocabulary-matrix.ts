import type { DeviceAnnunciation, Reading } from '@klinik-desa/protocol';
import { ANNUNCIATION_CONSEQUENCES, triageCodes } from '@klinik-desa/screening';
import type { FhirObservation } from './satusehat-stack.js';

/**
 * The device-to-record matrix tests (GATT behind the gateway, serial devices on their own cables)
 * share this: what the consequence table promises for a member, checked on the clinic record and its
 * FHIR Observation, and the matrix printed as a table.
 */

/** The value each row judges by: the primary value of its reading. */
export const PRIMARY: Readonly<Record<string, string>> = {
  'blood-pressure': 'systolic',
  glucose: 'glucose',
  'pulse-oximetry': 'spo2',
  weight: 'weight',
  'body-composition': 'bodyFat',
};

/** The triage categories (bp.normal...), left out of the printed flags: the rows are about the device. */
const TRIAGE = triageCodes();

/** The Observation of a reading's primary value (blood pressure: its panel) in the FHIR Bundle. */
export function observationOf(
  reading: Reading | undefined,
  observations: readonly FhirObservation[],
): FhirObservation | undefined {
  if (!reading) return undefined;
  const name = PRIMARY[reading.kind];
  return observations.find((o) =>
    o.identifier.some(
      (id) => id.value === `${reading.id}.${name}` || id.value === `${reading.id}.bloodPressure`,
    ),
  );
}

/** What the consequence table promises for the member, checked on the record and its FHIR Observation. */
export function promiseKept(
  member: DeviceAnnunciation,
  reading: Reading,
  fhir: FhirObservation | undefined,
): string[] {
  const consequence = ANNUNCIATION_CONSEQUENCES[member];
  const value = reading.values.find((v) => v.name === PRIMARY[reading.kind]);
  const codes = reading.flags.map((f) => f.code);
  const broken: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) broken.push(what);
  };
  need(reading.annunciations?.includes(member) === true, 'the record keeps the annunciation');
  need(fhir !== undefined, 'an Observation in the FHIR Bundle');
  switch (consequence.kind) {
    case 'remeasure':
      need(codes.includes('device.remeasure'), 'device.remeasure');
      need(value?.value !== null && fhir?.valueQuantity !== undefined, 'the value kept and sent');
      break;
    case 'withhold':
      need(codes.includes('device.value-withheld'), 'device.value-withheld');
      need(value?.value === null && value.absentReason === 'error', 'the value withheld');
      need(fhir?.dataAbsentReason?.coding[0]?.code === 'error', 'FHIR dataAbsentReason error');
      break;
    case 'show':
      need(codes.includes('device.notice'), 'device.notice');
      need(fhir?.valueQuantity !== undefined, 'the value sent');
      break;
    case 'irregular-pulse':
      need(codes.includes('bp.irregular-pulse'), 'bp.irregular-pulse');
      break;
    case 'clock':
      need(reading.timeSource === 'kiosk', 'the kiosk time used');
      break;
    case 'beyond-range':
      broken.push(...beyondRangeKept(member, value, codes, fhir));
      break;
    case 'none':
      need(!codes.some((c) => c.startsWith('device.')), 'no device flag');
      need(fhir?.valueQuantity !== undefined, 'the value sent');
      break;
  }
  return broken;
}

/**
 * A result beyond the device's range: a glucometer's limit kept with its comparator and the urgent
 * flag; a scale's overload, which carries no limit, absent with the flag that says which way.
 */
function beyondRangeKept(
  member: DeviceAnnunciation,
  value: Reading['values'][number] | undefined,
  codes: readonly string[],
  fhir: FhirObservation | undefined,
): string[] {
  const broken: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) broken.push(what);
  };
  if (member === 'overload') {
    need(value !== undefined && value.value === null, 'the weight absent (the A&D line has no limit)');
    need(codes.includes('device.beyond-range'), 'device.beyond-range');
    need(fhir?.dataAbsentReason !== undefined, 'FHIR dataAbsentReason');
    return broken;
  }
  const comparator = member === 'result-above-device-range' ? '>' : '<';
  need(value?.comparator === comparator, `the limit kept with ${comparator}`);
  need(
    codes.some((c) => c.endsWith('-device-range')),
    'the urgent range flag',
  );
  need(fhir?.valueQuantity?.comparator === comparator, 'FHIR valueQuantity.comparator');
  need(fhir?.interpretation?.[0]?.coding[0]?.code === comparator, 'FHIR interpretation');
  return broken;
}

/** One printed row: what the decoder said, what the table promises, and what the record and FHIR hold. */
export function matrixRow(
  decoder: string,
  member: string,
  consequence: string,
  reading: Reading | undefined,
  fhir: FhirObservation | undefined,
  misses: readonly string[],
): string[] {
  const value = reading?.values.find((v) => v.name === PRIMARY[reading.kind]);
  return [
    decoder,
    member,
    consequence,
    value ? `${value.comparator ?? ''}${value.value ?? `absent (${value.absentReason})`}` : '-',
    reading?.flags
      .map((f) => f.code)
      .filter((c) => !TRIAGE.has(c))
      .join(' ') ?? '-',
    !fhir
      ? '-'
      : fhir.valueQuantity
        ? `${fhir.valueQuantity.comparator ?? ''}${fhir.valueQuantity.value}`
        : `dataAbsentReason ${fhir.dataAbsentReason?.coding[0]?.code ?? '-'}`,
    misses.length === 0 ? 'ok' : `BROKEN: ${misses.join(', ')}`,
  ];
}

/** The rows as a Markdown table under a title, for the test output. */
export function matrixTable(title: string, head: readonly string[], rows: readonly string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [`${title}:`, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The head of a matrix made of `matrixRow`s. */
export const MATRIX_HEAD = ['decoder', 'member', 'consequence', 'record value', 'flags', 'FHIR', 'promise'];
