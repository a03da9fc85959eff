import { DecodeError } from '../../errors.js';
import { ID } from './lines.js';

/** The Current Time Service and its Current Time characteristic. */
export const CTS_SERVICE = '1805';
export const CURRENT_TIME = '2a2b';

/** Adjust reason bit 0: the time was set by hand (here: by the kiosk), not by a time source. */
const MANUAL_TIME_UPDATE = 0x01;

const FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;

/** The wall-clock fields of `ms` in `timeZone` (an IANA zone such as `Asia/Jakarta`). */
function partsIn(ms: number, timeZone: string): Record<(typeof FIELDS)[number], number> {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const parts: Partial<Record<string, number>> = {};
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = Number(part.value);
  const out = {} as Record<(typeof FIELDS)[number], number>;
  for (const field of FIELDS) out[field] = parts[field] ?? 0;
  return out;
}

/** Day of week as CTS counts it: 1 Monday … 7 Sunday. */
function dayOfWeek(year: number, month: number, day: number): number {
  const sunday0 = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

/**
 * The 10-byte Current Time value (0x2A2B) for `ms` (kiosk time) in the clinic's zone: year (uint16
 * LE), month, day, hours, minutes, seconds, day of week, fractions256 0, adjust reason "manual".
 * Devices keep local time without a zone, so the zone's wall clock is what they must show.
 */
export function encodeCurrentTime(ms: number, timeZone: string): Uint8Array {
  const t = partsIn(ms, timeZone);
  return Uint8Array.of(
    t.year & 0xff,
    t.year >> 8,
    t.month,
    t.day,
    t.hour,
    t.minute,
    t.second,
    dayOfWeek(t.year, t.month, t.day),
    0,
    MANUAL_TIME_UPDATE,
  );
}

/** A Current Time value read back: the local time it sets, `YYYY-MM-DDTHH:MM:SS`. */
export interface CurrentTime {
  localTime: string;
  dayOfWeek: number;
  fractions256: number;
  adjustReason: number;
}

function fail(message: string): never {
  throw new DecodeError('BAD_FORMAT', ID, `Current Time 0x2A2B: ${message}`);
}

/**
 * Checks a Current Time value as a device's Current Time Service would before taking it: 10 bytes,
 * a real date (month and day known, not 0), a time of day, and the day of week matching the date.
 */
export function decodeCurrentTime(bytes: Uint8Array): CurrentTime {
  if (bytes.length !== 10) fail(`${bytes.length} bytes, expected 10`);
  const year = bytes[0]! | (bytes[1]! << 8);
  const [month, day, hour, minute, second, weekday, fractions256, adjustReason] = bytes.subarray(2);
  if (year < 1582 || year > 9999) fail(`year ${year} is outside 1582–9999`);
  if (month! < 1 || month! > 12) fail(`month ${month} is outside 1–12`);
  const daysInMonth = new Date(Date.UTC(year, month!, 0)).getUTCDate();
  if (day! < 1 || day! > daysInMonth) fail(`day ${day} is not in ${year}-${month}`);
  if (hour! > 23 || minute! > 59 || second! > 59)
    fail(`time ${hour}:${minute}:${second} is not a time of day`);
  if (weekday !== dayOfWeek(year, month!, day!))
    fail(`day of week ${weekday} does not match ${year}-${month}-${day}`);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    localTime: `${year}-${pad(month!)}-${pad(day!)}T${pad(hour!)}:${pad(minute!)}:${pad(second!)}`,
    dayOfWeek: weekday!,
    fractions256: fractions256!,
    adjustReason: adjustReason!,
  };
}
