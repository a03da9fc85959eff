import type { Flag, Reading, ReadingValue, Severity } from '@klinik-desa/protocol';
import { SEVERITY_ORDER } from '@klinik-desa/protocol';
import { DERIVED_DEVICE } from '@klinik-desa/screening';

/** Where a stored reading belongs: a screening that was open when it arrived, or nowhere yet. */
export interface Binding {
  screeningId: string | null;
  patientId: string | null;
  assignment: 'assigned' | 'unassigned';
}

/** Why a reading cannot be kept: it names another clinic's screening or patient. */
export interface Refusal {
  refused: 'FOREIGN_SCREENING' | 'FOREIGN_PATIENT';
  message: string;
}

/** A screening a reading names by `sessionId`, as the record has it. */
export interface ScreeningRef {
  patientId: string;
  clinicId: string;
  open: boolean;
}

/**
 * A reading whose sessionId names an open screening of its own clinic belongs to it (and to its
 * patient). No session, an unknown one, a finished one: kept as unassigned for a health worker to
 * assign or discard, nothing dropped. A kiosk may only write into its own clinic's record, so a
 * reading naming another clinic's screening, or (without an open screening) a patient the record
 * has whom its clinic does not see, is refused. `patientClinics` holds, for each patient of the
 * batch the record has, the clinics that see them; a patient id the record does not have is kept
 * as the kiosk sent it.
 */
export function bindReading(
  reading: Pick<Reading, 'sessionId' | 'patientId' | 'clinicId'>,
  screenings: ReadonlyMap<string, ScreeningRef>,
  patientClinics: ReadonlyMap<string, ReadonlySet<string>>,
): Binding | Refusal {
  const screening = reading.sessionId ? screenings.get(reading.sessionId) : undefined;
  if (screening && screening.clinicId !== reading.clinicId) {
    return {
      refused: 'FOREIGN_SCREENING',
      message: `screening ${reading.sessionId} is not a screening of clinic ${reading.clinicId}: a kiosk writes only into its own clinic's record`,
    };
  }
  if (screening?.open) {
    return { screeningId: reading.sessionId!, patientId: screening.patientId, assignment: 'assigned' };
  }
  const seenBy = reading.patientId ? patientClinics.get(reading.patientId) : undefined;
  if (seenBy && !seenBy.has(reading.clinicId)) {
    return {
      refused: 'FOREIGN_PATIENT',
      message: `patient ${reading.patientId} is not a patient of clinic ${reading.clinicId}: register them there first`,
    };
  }
  return { screeningId: null, patientId: reading.patientId ?? null, assignment: 'unassigned' };
}

export function isRefusal(b: Binding | Refusal): b is Refusal {
  return 'refused' in b;
}

export interface ObservationRow {
  id: string;
  readingId: string;
  position: number;
  screeningId: string | null;
  patientId: string | null;
  clinicId: string;
  kioskId: string;
  kind: string;
  name: string;
  code: string;
  value: number | null;
  /** A device's limit: the result lies beyond `value`. */
  comparator?: '>' | '<';
  unit: string;
  absentReason: string | null;
  measuredAt: string;
  source: 'device' | 'manual' | 'computed';
  flags: Flag[];
  /** A computed value (BMI, a mean): the readings it was computed from. */
  derivedFrom?: string[];
}

/** The flags that concern one value: those naming it, and those about the whole reading. */
export function flagsOfValue(flags: readonly Flag[], value: ReadingValue): Flag[] {
  return flags.filter((f) => f.value === undefined || f.value === value.name);
}

/** `toISOString`'s form: ISO 8601 in UTC, with milliseconds. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The instant in the canonical UTC form, so that times compare as strings in both stores. Kiosks
 * send that form already, and a checked reading holds only real dates, so those are returned as
 * they are: parsing and printing them again, twice per reading, showed in the ingest's CPU profile.
 */
export function utc(iso: string): string {
  return CANONICAL_UTC.test(iso) ? iso : new Date(iso).toISOString();
}

/** The pseudo-devices of values no device measured: typed in, or computed from others. */
const SOURCES: Readonly<Record<string, 'manual' | 'computed'>> = {
  manual: 'manual',
  [DERIVED_DEVICE.protocol]: 'computed',
};

/** One observation per value of the reading (systolic and diastolic apart, as SATUSEHAT wants). */
export function observationsOf(reading: Reading, binding: Binding): ObservationRow[] {
  const measuredAt = utc(reading.measuredAt);
  const source = SOURCES[reading.device.protocol] ?? 'device';
  const seen = new Set<string>();
  const rows: ObservationRow[] = [];
  reading.values.forEach((v, position) => {
    // Two values of one name in a reading would collide on the observation id; the first is kept
    // and the reading body still holds both.
    if (seen.has(v.name)) return;
    seen.add(v.name);
    const row: ObservationRow = {
      id: `${reading.id}.${v.name}`,
      readingId: reading.id,
      position,
      screeningId: binding.screeningId,
      patientId: binding.patientId,
      clinicId: reading.clinicId,
      kioskId: reading.kioskId,
      kind: reading.kind,
      name: v.name,
      code: v.code,
      value: v.value,
      unit: v.unit,
      absentReason: v.absentReason ?? null,
      measuredAt,
      source,
      flags: flagsOfValue(reading.flags, v),
    };
    if (v.comparator) row.comparator = v.comparator;
    if (v.derived && reading.derivedFrom) row.derivedFrom = reading.derivedFrom;
    rows.push(row);
  });
  return rows;
}

/**
 * The flags that make a referral: `refer` and `urgent`, one per flag code. None for a reading the
 * kiosk or the record computed (a mean, a BMI): a mean is never more severe than the worst
 * measurement it came from, whose flags made the referral already, and the BMI tables go no higher
 * than `attention`. Without this, a patient in crisis would be listed once per measurement and once
 * more for their mean.
 */
export function referralFlags(reading: Pick<Reading, 'flags'> & { device?: Reading['device'] }): Flag[] {
  if (reading.device?.protocol === 'derived') return [];
  const byCode = new Map<string, Flag>();
  for (const flag of reading.flags) {
    if (flag.severity !== 'refer' && flag.severity !== 'urgent') continue;
    const had = byCode.get(flag.code);
    if (!had || severityRank(flag.severity) > severityRank(had.severity)) byCode.set(flag.code, flag);
  }
  return [...byCode.values()];
}

export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

export function worstSeverity(flags: readonly Pick<Flag, 'severity'>[]): Severity {
  let worst: Severity = 'normal';
  for (const f of flags) if (severityRank(f.severity) > severityRank(worst)) worst = f.severity;
  return worst;
}

/** A name as it is compared in a search: lower case, single spaces, no accents. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
