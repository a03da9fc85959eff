import type { DeviceAnnunciation } from '@klinik-desa/protocol';
import { ByteReader, ByteWriter } from '../bytes.js';
import { DecodeError, EncodeError } from '../errors.js';

/** Date Time (0x2A08): the device's wall clock, no zone. A zero year, month or day means "not known". */
export interface GattDateTime {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

export function readDateTime(reader: ByteReader, field: string): GattDateTime {
  reader.need(7, field);
  return {
    year: reader.u16(field),
    month: reader.u8(field),
    day: reader.u8(field),
    hours: reader.u8(field),
    minutes: reader.u8(field),
    seconds: reader.u8(field),
  };
}

export function writeDateTime(writer: ByteWriter, time: GattDateTime): void {
  writer.u16(time.year).u8(time.month).u8(time.day).u8(time.hours).u8(time.minutes).u8(time.seconds);
}

/** Whether the device said it does not know the date (year, month or day sent as 0). */
export function isUnknownDate(time: GattDateTime): boolean {
  return time.year === 0 || time.month === 0 || time.day === 0;
}

/** Within the ranges the specification allows (year 1582–9999, a real day of that month, 24-hour clock). */
export function isValidDateTime(time: GattDateTime): boolean {
  return (
    time.year >= 1582 &&
    time.year <= 9999 &&
    time.month >= 1 &&
    time.month <= 12 &&
    time.day >= 1 &&
    time.day <= daysInMonth(time.year, time.month) &&
    time.hours <= 23 &&
    time.minutes <= 59 &&
    time.seconds <= 59
  );
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `2025-07-22T09:30:05`, the measurement's `deviceTime` form. */
export function formatLocalDateTime(time: GattDateTime): string {
  return `${time.year}-${two(time.month)}-${two(time.day)}T${two(time.hours)}:${two(time.minutes)}:${two(time.seconds)}`;
}

/**
 * Adds minutes to a wall-clock time (the glucose record's time offset). Calendar arithmetic only:
 * UTC is used as a zone-free calendar, never as the device's zone.
 */
export function addMinutes(time: GattDateTime, minutes: number): GattDateTime {
  const shifted = new Date(
    Date.UTC(time.year, time.month - 1, time.day, time.hours, time.minutes + minutes, time.seconds),
  );
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hours: shifted.getUTCHours(),
    minutes: shifted.getUTCMinutes(),
    seconds: shifted.getUTCSeconds(),
  };
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses a `deviceTime` back into fields (for the simulators). */
export function parseLocalDateTime(text: string, protocol: string): GattDateTime {
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match)
    throw new EncodeError(
      'NOT_ENCODABLE',
      protocol,
      `deviceTime ${JSON.stringify(text)} is not YYYY-MM-DDThh:mm[:ss]`,
    );
  const [, year, month, day, hours, minutes, seconds] = match;
  return {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hours: Number(hours),
    minutes: Number(minutes),
    seconds: seconds === undefined ? 0 : Number(seconds),
  };
}

/**
 * What a measurement keeps of a time stamp: the local time when it is real; nothing when the device
 * said "not known"; an annunciation when the device sent an impossible date (a clock to check,
 * not a reason to lose the reading).
 */
export function timeStampToMeasurement(time: GattDateTime): {
  deviceTime?: string;
  annunciation?: DeviceAnnunciation;
} {
  if (isUnknownDate(time)) return {};
  if (!isValidDateTime(time)) return { annunciation: 'device-time-invalid' };
  return { deviceTime: formatLocalDateTime(time) };
}

const ID = 'gatt-2a08';

/** Decodes a Date Time characteristic value (0x2A08). Unlike a time stamp inside a measurement, a bad date is an error here. */
export function decodeDateTime(frame: Uint8Array): GattDateTime {
  const reader = new ByteReader(frame, ID);
  const time = readDateTime(reader, 'date time');
  if (!isUnknownDate(time) && !isValidDateTime(time)) {
    throw new DecodeError('BAD_FORMAT', ID, `${JSON.stringify(time)} is not a valid date and time`);
  }
  return time;
}

export function encodeDateTime(time: GattDateTime): Uint8Array {
  const writer = new ByteWriter();
  writeDateTime(writer, time);
  return writer.finish();
}
