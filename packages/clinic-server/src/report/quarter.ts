import { localToInstant, type ZoneSpec, zonedIso } from '@klinik-desa/screening';
import { ClinicError } from '../errors.js';

/** A calendar quarter read in the clinic's zone: its label, its three months and its UTC bounds. */
export interface Quarter {
  /** `2026-Q4`. */
  label: string;
  year: number;
  quarter: 1 | 2 | 3 | 4;
  /** The quarter's months as `YYYY-MM`, in order. */
  months: [string, string, string];
  /** First instant of the quarter, UTC ISO (`...Z`), as the store keeps times. */
  from: string;
  /** First instant after the quarter, UTC ISO. */
  to: string;
}

const QUARTER = /^(\d{4})-Q([1-4])$/;

/**
 * Reads `2026-Q4` in `zone`. A malformed label, or a quarter that has not begun at `now`, is a
 * VALIDATION error that says what to write instead: a report of a quarter to come would be empty,
 * and an empty sheet at the meeting reads as "nobody came".
 */
export function parseQuarter(text: string, zone: ZoneSpec, now: Date): Quarter {
  const current = quarterOf(now, zone);
  const match = QUARTER.exec(text);
  if (!match) {
    throw new ClinicError(
      'VALIDATION',
      `query.quarter: ${JSON.stringify(text)} is not a quarter; write the year, "-Q" and 1 to 4, e.g. ${current.label}`,
      { field: 'quarter' },
    );
  }
  const year = Number(match[1]);
  const q = Number(match[2]) as Quarter['quarter'];
  if (year < 2000) {
    throw new ClinicError(
      'VALIDATION',
      `query.quarter: ${text} is before this system existed; write a quarter from 2000`,
      {
        field: 'quarter',
      },
    );
  }
  if (year * 4 + q > current.year * 4 + current.quarter) {
    throw new ClinicError(
      'VALIDATION',
      `query.quarter: ${text} has not begun yet; the latest quarter with screenings is ${current.label}`,
      { field: 'quarter' },
    );
  }
  return quarterBounds(year, q, zone);
}

/** The quarter `instant` falls in, on the clinic's wall clock. */
export function quarterOf(instant: Date, zone: ZoneSpec): Quarter {
  const local = zonedIso(instant, zone);
  const year = Number(local.slice(0, 4));
  const month = Number(local.slice(5, 7));
  return quarterBounds(year, (Math.floor((month - 1) / 3) + 1) as Quarter['quarter'], zone);
}

function quarterBounds(year: number, q: Quarter['quarter'], zone: ZoneSpec): Quarter {
  const firstMonth = (q - 1) * 3 + 1;
  const month = (m: number) => `${year}-${String(m).padStart(2, '0')}`;
  const nextStart = q === 4 ? `${year + 1}-01` : month(firstMonth + 3);
  return {
    label: `${year}-Q${q}`,
    year,
    quarter: q,
    months: [month(firstMonth), month(firstMonth + 1), month(firstMonth + 2)],
    from: localToInstant(`${month(firstMonth)}-01T00:00:00`, zone)!.toISOString(),
    to: localToInstant(`${nextStart}-01T00:00:00`, zone)!.toISOString(),
  };
}

/** The `YYYY-MM` of an instant on the clinic's wall clock. */
export function localMonth(instant: string, zone: ZoneSpec): string {
  return zonedIso(new Date(instant), zone).slice(0, 7);
}
