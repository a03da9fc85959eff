import { describe, expect, it } from 'vitest';
import { ScreeningOptionError } from './errors.js';
import {
  ageInYears,
  fhirUtc,
  localToInstant,
  offsetMinutesAt,
  toInstant,
  wallClockMs,
  zonedIso,
  zoneSpec,
} from './time.js';

/** ICU's offset for the zone at that instant, asked directly. */
function icuOffsetMinutes(timeZone: string, utcMs: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(utcMs))
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(name ?? '');
  if (!m) throw new Error(`no offset in ${name}`);
  return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

describe("Indonesia's zones without ICU", () => {
  it.each(['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'])(
    '%s: the fixed offset agrees with ICU every month from 1988 to 2040',
    (timeZone) => {
      const zone = zoneSpec({ timeZone });
      for (let year = 1988; year <= 2040; year++) {
        for (let month = 0; month < 12; month++) {
          const at = Date.UTC(year, month, 2, 12);
          expect(offsetMinutesAt(zone, at)).toBe(icuOffsetMinutes(timeZone, at));
        }
      }
    },
  );

  it('asks ICU before 1988, when Pontianak was still on +08:00', () => {
    const at = Date.UTC(1985, 5, 1);
    expect(offsetMinutesAt({ timeZone: 'Asia/Pontianak' }, at)).toBe(icuOffsetMinutes('Asia/Pontianak', at));
    expect(offsetMinutesAt({ timeZone: 'Asia/Pontianak' }, at)).toBe(480);
  });

  it('gives the wall clock of an instant', () => {
    const at = new Date('2026-11-23T02:15:00Z');
    expect(new Date(wallClockMs(at, { timeZone: 'Asia/Makassar' })).toISOString()).toBe(
      '2026-11-23T10:15:00.000Z',
    );
    expect(new Date(wallClockMs(at, { timeZone: 'Europe/Amsterdam' })).toISOString()).toBe(
      '2026-11-23T03:15:00.000Z',
    );
  });
});

describe('device wall clocks', () => {
  it.each([
    ['Asia/Jakarta', '2026-11-23T09:15:00', '2026-11-23T02:15:00.000Z'],
    ['Asia/Pontianak', '2026-11-23T09:15', '2026-11-23T02:15:00.000Z'],
    ['Asia/Makassar', '2026-11-23T09:15:00', '2026-11-23T01:15:00.000Z'],
    ['Asia/Jayapura', '2026-11-23T09:15:00', '2026-11-23T00:15:00.000Z'],
    ['Asia/Jakarta', '2000-01-01T00:00:00', '1999-12-31T17:00:00.000Z'],
    ['Asia/Jakarta', '2028-02-29T23:59:59', '2028-02-29T16:59:59.000Z'],
    ['Europe/Amsterdam', '2026-03-29T03:30:00', '2026-03-29T01:30:00.000Z'],
  ])('reads %s wall time %s as %s', (timeZone, local, iso) => {
    expect(localToInstant(local, { timeZone })?.toISOString()).toBe(iso);
  });

  it('reads a fixed offset', () => {
    expect(localToInstant('2026-11-23T09:15:00', { utcOffsetMinutes: 420 })?.toISOString()).toBe(
      '2026-11-23T02:15:00.000Z',
    );
    expect(localToInstant('2026-11-23T09:15:00', { utcOffsetMinutes: -300 })?.toISOString()).toBe(
      '2026-11-23T14:15:00.000Z',
    );
  });

  it.each([
    '2026-02-29T10:00:00',
    '2026-04-31T10:00',
    '2026-00-10T10:00',
    '2026-11-23T24:00',
    '2026-11-23T10:60',
    '1969-12-31T23:59',
    '2026-11-23 10:00',
    'x',
  ])('refuses %s as not a real date-time', (local) => {
    expect(localToInstant(local, { timeZone: 'Asia/Jakarta' })).toBeUndefined();
  });
});

describe('zones and instants', () => {
  it('knows the Indonesian offsets', () => {
    const t = Date.UTC(2026, 10, 23);
    expect(offsetMinutesAt({ timeZone: 'Asia/Jakarta' }, t)).toBe(420);
    expect(offsetMinutesAt({ timeZone: 'Asia/Makassar' }, t)).toBe(480);
    expect(offsetMinutesAt({ timeZone: 'Asia/Jayapura' }, t)).toBe(540);
  });

  it('defaults to WIB and refuses unknown zones and offsets', () => {
    expect(zoneSpec({})).toEqual({ timeZone: 'Asia/Jakarta' });
    expect(zoneSpec({ timeZone: 'Asia/Makassar', utcOffsetMinutes: 420 })).toEqual({ utcOffsetMinutes: 420 });
    expect(() => zoneSpec({ timeZone: 'WIB' })).toThrow(ScreeningOptionError);
    expect(() => zoneSpec({ utcOffsetMinutes: 900 })).toThrow(ScreeningOptionError);
  });

  it('accepts Dates, offset date-times and zone-less wall times (read in the zone)', () => {
    const zone = { timeZone: 'Asia/Jakarta' };
    expect(toInstant('2026-11-23T09:15:00+07:00', zone, 't').toISOString()).toBe('2026-11-23T02:15:00.000Z');
    expect(toInstant('2026-11-23T02:15:00.250Z', zone, 't').toISOString()).toBe('2026-11-23T02:15:00.250Z');
    expect(toInstant('2026-11-23T09:15', zone, 't').toISOString()).toBe('2026-11-23T02:15:00.000Z');
    expect(() => toInstant('23/11/2026', zone, 'period.start')).toThrow(
      /period.start must be an ISO date-time/,
    );
    expect(() => toInstant('2026-02-30T10:00:00Z', zone, 't')).toThrow(ScreeningOptionError);
  });

  it('writes UTC for FHIR and local time for people', () => {
    const t = new Date('2026-11-23T02:15:09.987Z');
    expect(fhirUtc(t)).toBe('2026-11-23T02:15:09+00:00');
    expect(zonedIso(t, { timeZone: 'Asia/Jakarta' })).toBe('2026-11-23T09:15:09+07:00');
    expect(zonedIso(t, { utcOffsetMinutes: -210 })).toBe('2026-11-22T22:45:09-03:30');
  });
});

describe('age at a screening', () => {
  const age = (birthDate: string, at: string, timeZone?: string) =>
    ageInYears(birthDate, new Date(at), zoneSpec(timeZone ? { timeZone } : {}));
  it("counts whole years to the clinic's own calendar day, where the birthday falls", () => {
    // 17:30 UTC on 11 May is already 12 May in Jakarta (WIB, +07:00): the 46th birthday.
    expect(age('1980-05-12', '2026-05-11T17:30:00Z')).toBe(46);
    expect(age('1980-05-12', '2026-05-11T16:30:00Z')).toBe(45);
    expect(age('1980-05-12', '2026-05-11T16:30:00Z', 'Asia/Jayapura')).toBe(46);
    expect(age('2010-02-28', '2026-02-27T12:00:00Z')).toBe(15);
    expect(age('2010-02-28', '2026-02-28T12:00:00Z')).toBe(16);
  });
});
