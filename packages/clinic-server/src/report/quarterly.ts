import { ageInYears, type ZoneSpec } from '@klinik-desa/screening';
import { localMonth, type Quarter } from './quarter.js';
import { SMALLEST_SHOWN } from './suppress.js';
import { CellSpace, type CountTable, type Label, type ShownTable, shownTable } from './table.js';

/** What the record knows of one screening of the quarter: no name, no NIK, no patient id. */
export interface ScreeningFact {
  clinicId: string;
  /** UTC ISO time the screening was opened. */
  openedAt: string;
  /** The patient's birth date (`YYYY-MM-DD`), for the age at the screening; not reported. */
  birthDate: string;
  sex: 'male' | 'female';
  /** The readings of the screening that may carry a counted flag. */
  readings: readonly ReadingFlags[];
}

export interface ReadingFlags {
  kind: string;
  /** Computed by the record on finishing (the visit's mean blood pressure, the BMI). */
  derived: boolean;
  flagCodes: readonly string[];
}

/** A referral made in the quarter and where it stands now. */
export interface ReferralFact {
  clinicId: string;
  status: 'open' | 'acknowledged';
}

export interface QuarterFacts {
  screenings: readonly ScreeningFact[];
  referrals: readonly ReferralFact[];
  /** Every clinic the report covers, also those without a screening this quarter. */
  clinicIds: readonly string[];
}

/**
 * Age bands of the free health check (Cek Kesehatan Gratis, KMK HK.01.07/MENKES/33/2025: adults
 * 18–29, 30–39, 40–59, older adults from 60), with children under 18 in a band of their own.
 */
export const AGE_BANDS: readonly (Label & { from: number })[] = [
  { key: '0-17', label: '<18', from: 0 },
  { key: '18-29', label: '18–29', from: 18 },
  { key: '30-39', label: '30–39', from: 30 },
  { key: '40-59', label: '40–59', from: 40 },
  { key: '60+', label: '≥60', from: 60 },
];

export const SEXES: readonly Label[] = [
  { key: 'male', label: 'L' },
  { key: 'female', label: 'P' },
];

/** The flags the meeting counts, each a family of flag codes of the screening rules. */
export const FLAG_FAMILIES: readonly (Label & { matches: (code: string) => boolean })[] = [
  {
    key: 'hypertension',
    label: 'Hipertensi',
    matches: (c) => c.startsWith('bp.grade-') || c === 'bp.isolated-systolic',
  },
  {
    key: 'diabetes',
    label: 'Curiga diabetes',
    matches: (c) => /^glucose\.(random|fasting)\.diabetes$/.test(c),
  },
  { key: 'obesity', label: 'Obesitas', matches: (c) => /^bmi\.(ilp\.obese-[12]|national\.obese)$/.test(c) },
  {
    key: 'central-obesity',
    label: 'Obesitas sentral',
    matches: (c) => /^waist\.(male|female)\.central-obesity$/.test(c),
  },
  {
    key: 'high-cholesterol',
    label: 'Kolesterol tinggi',
    matches: (c) => c === 'cholesterol.high' || c === 'cholesterol.above-device-range',
  },
  {
    key: 'anaemia',
    label: 'Anemia',
    matches: (c) =>
      /^haemoglobin\.(men|women|12-14|5-11)\.(mild|moderate|severe)$/.test(c) ||
      c === 'haemoglobin.below-device-range',
  },
];

const REFERRAL_COLUMNS: readonly Label[] = [
  { key: 'acknowledged', label: 'Sudah diterima' },
  { key: 'open', label: 'Masih terbuka' },
];

export interface ReportSection {
  screenings: ShownTable;
  flags: ShownTable;
  /** Columns acknowledged and open; the row total is the referrals made. */
  referrals: ShownTable;
}

export interface QuarterlyReport {
  quarter: string;
  months: string[];
  from: string;
  to: string;
  smallestShown: number;
  clinics: (ReportSection & { clinicId: string; village: string | null })[];
  /** Villages with two clinics or more: the sum of their clinics. */
  villages: (ReportSection & { village: string; clinicIds: string[] })[];
}

/**
 * The quarterly report from the quarter's facts: per clinic, and per village where a village has
 * several clinics, suppressed together so that a village total cannot uncover a clinic's "<5".
 */
export function quarterlyReport(
  facts: QuarterFacts,
  quarter: Quarter,
  zone: ZoneSpec,
  villageOf: (clinicId: string) => string | null = () => null,
): QuarterlyReport {
  const groups = new Map<string, string[]>();
  for (const clinicId of [...new Set(facts.clinicIds)].sort()) {
    const village = villageOf(clinicId);
    const key = village === null ? `clinic:${clinicId}` : `village:${village}`;
    groups.set(key, [...(groups.get(key) ?? []), clinicId]);
  }
  const report: QuarterlyReport = {
    quarter: quarter.label,
    months: [...quarter.months],
    from: quarter.from,
    to: quarter.to,
    smallestShown: SMALLEST_SHOWN,
    clinics: [],
    villages: [],
  };
  for (const clinicIds of groups.values()) {
    const village = villageOf(clinicIds[0]!);
    const tables = clinicIds.map((id) => countTables(facts, id, quarter, zone));
    const space = new CellSpace();
    const placed = tables.map((t) => placeSection(space, t));
    const whole = clinicIds.length > 1 ? sumTables(tables) : undefined;
    const wholePlaced = whole && placeSection(space, whole);
    if (wholePlaced) {
      for (const part of ['screenings', 'flags', 'referrals'] as const) {
        space.sumLines(
          wholePlaced[part],
          placed.map((p) => p[part]),
        );
      }
    }
    const status = space.suppress();
    const show = (t: SectionCounts, p: Placed): ReportSection => ({
      screenings: shownTable(t.screenings, p.screenings, space.values, status),
      flags: shownTable(t.flags, p.flags, space.values, status),
      referrals: shownTable(t.referrals, p.referrals, space.values, status),
    });
    clinicIds.forEach((clinicId, i) => {
      report.clinics.push({ clinicId, village, ...show(tables[i]!, placed[i]!) });
    });
    if (whole && wholePlaced && village !== null) {
      report.villages.push({ village, clinicIds, ...show(whole, wholePlaced) });
    }
  }
  return report;
}

interface SectionCounts {
  screenings: CountTable;
  flags: CountTable;
  referrals: CountTable;
}
type Placed = Record<keyof SectionCounts, number[][]>;

function placeSection(space: CellSpace, t: SectionCounts): Placed {
  return {
    screenings: space.place(t.screenings),
    flags: space.place(t.flags),
    referrals: space.place(t.referrals),
  };
}

/** Screening columns: each age band, men then women. */
export const SCREENING_COLUMNS: readonly Label[] = AGE_BANDS.flatMap((band) =>
  SEXES.map((sex) => ({ key: `${band.key}|${sex.key}`, label: `${band.label} ${sex.label}` })),
);

function countTables(facts: QuarterFacts, clinicId: string, quarter: Quarter, zone: ZoneSpec): SectionCounts {
  const byMonth = quarter.months.map(() => SCREENING_COLUMNS.map(() => 0));
  const flags = FLAG_FAMILIES.map(() => SEXES.map(() => 0));
  for (const s of facts.screenings) {
    if (s.clinicId !== clinicId) continue;
    const month = quarter.months.indexOf(localMonth(s.openedAt, zone));
    if (month < 0) continue;
    const age = ageInYears(s.birthDate, new Date(s.openedAt), zone);
    const band = AGE_BANDS.findLastIndex((b) => age >= b.from);
    const sex = SEXES.findIndex((x) => x.key === s.sex);
    byMonth[month]![Math.max(band, 0) * SEXES.length + sex]! += 1;
    const found = flagFamiliesOf(s.readings);
    FLAG_FAMILIES.forEach((family, f) => {
      if (found.has(family.key)) flags[f]![sex]! += 1;
    });
  }
  const referrals = [
    REFERRAL_COLUMNS.map(
      (c) => facts.referrals.filter((r) => r.clinicId === clinicId && r.status === c.key).length,
    ),
  ];
  return {
    screenings: {
      rows: quarter.months.map((m) => ({ key: m, label: m })),
      columns: SCREENING_COLUMNS,
      counts: byMonth,
      rowTotals: true,
      columnTotals: true,
    },
    // A person can be flagged for several: the rows do not add up, so only men + women = total.
    flags: { rows: FLAG_FAMILIES, columns: SEXES, counts: flags, rowTotals: true, columnTotals: false },
    referrals: {
      rows: [{ key: clinicId, label: clinicId }],
      columns: REFERRAL_COLUMNS,
      counts: referrals,
      rowTotals: true,
      columnTotals: false,
    },
  };
}

/**
 * The families a screening is flagged for. Blood pressure is judged on the visit's mean where the
 * record computed one (the screening rules classify the mean of two or more measurements), so a
 * single high measurement followed by normal ones does not count as hypertension.
 */
export function flagFamiliesOf(readings: readonly ReadingFlags[]): Set<string> {
  const hasMeanBp = readings.some((r) => r.kind === 'blood-pressure' && r.derived);
  const found = new Set<string>();
  for (const r of readings) {
    if (r.kind === 'blood-pressure' && hasMeanBp && !r.derived) continue;
    for (const code of r.flagCodes) {
      for (const family of FLAG_FAMILIES) if (family.matches(code)) found.add(family.key);
    }
  }
  return found;
}

function sumTables(tables: readonly SectionCounts[]): SectionCounts {
  const add = (part: keyof SectionCounts): CountTable => {
    const first = tables[0]![part];
    return {
      ...first,
      rows: part === 'referrals' ? [{ key: 'all', label: 'Semua klinik' }] : first.rows,
      counts: first.counts.map((row, i) =>
        row.map((_, j) => tables.reduce((sum, t) => sum + t[part].counts[i]![j]!, 0)),
      ),
    };
  };
  return { screenings: add('screenings'), flags: add('flags'), referrals: add('referrals') };
}
