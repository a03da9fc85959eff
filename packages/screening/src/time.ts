import { ScreeningOptionError } from './errors.js';

/** Western Indonesia Time (WIB, +07:00): the default kiosk zone. */
export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

/** Where a device's zone-less wall clock is read: an IANA zone, or a fixed offset from UTC. */
export type ZoneSpec = { timeZone: string } | { utcOffsetMinutes: number };

/**
 * Indonesia's three zones keep one offset all year (no daylight saving) and have kept it since
 * 1 January 1988, when Pontianak moved from +08:00 to +07:00: WIB +07:00, WITA +08:00, WIT +09:00.
 * From then on their offsets are known without ICU's time-zone data, which costs a kiosk about
 * 10 MB of resident memory once touched; earlier instants still ask ICU.
 */
const FIXED_SINCE_1988: Readonly<Record<string, number>> = {
  'Asia/Jakarta': 420,
  'Asia/Pontianak': 420,
  'Asia/Makassar': 480,
  'Asia/Jayapura': 540,
  UTC: 0,
  'Etc/UTC': 0,
};
const FIXED_FROM_MS = Date.UTC(1988, 0, 1);

export function zoneSpec(options: { timeZone?: string; utcOffsetMinutes?: number }): ZoneSpec {
  if (options.utcOffsetMinutes !== undefined) {
    const offset = options.utcOffsetMinutes;
    if (!Number.isInteger(offset) || offset < -14 * 60 || offset > 14 * 60) {
      throw new ScreeningOptionError(`utcOffsetMinutes must be an integer within ±840, got ${offset}`);
    }
    return { utcOffsetMinutes: offset };
  }
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  if (!(timeZone in FIXED_SINCE_1988)) formatterFor(timeZone);
  return { timeZone };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new ScreeningOptionError(`unknown time zone ${JSON.stringify(timeZone)}`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC in minutes at the instant `utcMs`. */
export function offsetMinutesAt(zone: ZoneSpec, utcMs: number): number {
  if ('utcOffsetMinutes' in zone) return zone.utcOffsetMinutes;
  const fixed = FIXED_SINCE_1988[zone.timeZone];
  // A day's margin: the instant may still be a wall time read as UTC (see localToInstant).
  if (fixed !== undefined && utcMs >= FIXED_FROM_MS + 86_400_000) return fixed;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone.timeZone).formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts['year']!,
    parts['month']! - 1,
    parts['day']!,
    parts['hour']!,
    parts['minute']!,
    parts['second']!,
  );
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Wall-clock fields of a zone-less date-time, or undefined when it is not a real calendar time. */
function parseLocal(local: string): number | undefined {
  const m = LOCAL.exec(local);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m
    .slice(1)
    .map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 30 February over into March; a real date survives the round trip.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms;
}

/**
 * The instant a zone-less wall-clock time names in `zone`, or undefined when the text is not a real
 * date-time. Indonesia has no daylight saving, so each wall time names exactly one instant there.
 */
export function localToInstant(local: string, zone: ZoneSpec): Date | undefined {
  const wall = parseLocal(local);
  if (wall === undefined) return undefined;
  const first = offsetMinutesAt(zone, wall);
  let instant = wall - first * 60_000;
  const second = offsetMinutesAt(zone, instant);
  if (second !== first) instant = wall - second * 60_000;
  return new Date(instant);
}

/** A `Date` or an ISO 8601 date-time; one without an offset is read in `zone`. */
export function toInstant(input: Date | string, zone: ZoneSpec, what: string): Date {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) throw new ScreeningOptionError(`${what} is an invalid Date`);
    return input;
  }
  const local = LOCAL.exec(input) ? localToInstant(input, zone) : undefined;
  if (local) return local;
  // Only full date-times with an offset are accepted: Date.parse is lenient about other forms.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(input)) {
    throw new ScreeningOptionError(`${what} must be an ISO date-time, got ${JSON.stringify(input)}`);
  }
  const ms = Date.parse(input);
  // Date.parse rolls 30 February over into March; the wall-clock part must be a real date itself.
  if (Number.isNaN(ms) || parseLocal(input.slice(0, 16)) === undefined) {
    throw new ScreeningOptionError(`${what} is not a real date-time: ${input}`);
  }
  return new Date(ms);
}

/** The wall clock in `zone` at `instant`, as milliseconds of a UTC date with the same fields. */
export function wallClockMs(instant: Date, zone: ZoneSpec): number {
  return instant.getTime() + offsetMinutesAt(zone, instant.getTime()) * 60_000;
}

/** `2026-11-23T02:15:00+00:00`: UTC to the second, the form SATUSEHAT's playbook asks for. */
export function fhirUtc(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}+00:00`;
}

/** `2026-11-23T09:15:00+07:00`: an instant as people in `zone` read it. */
export function zonedIso(instant: Date, zone: ZoneSpec): string {
  const offset = offsetMinutesAt(zone, instant.getTime());
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Whole years from a birth date (`YYYY-MM-DD`) to the calendar day of `at` in `zone`, where the
 * birthday falls: the age the adult-only thresholds and the BMI classes ask for.
 */
export function ageInYears(birthDate: string, at: Date, zone: ZoneSpec): number {
  const [y, m, d] = zonedIso(at, zone).slice(0, 10).split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
