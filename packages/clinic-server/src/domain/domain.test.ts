import { describe, expect, it } from 'vitest';
import { ClinicError } from '../errors.js';
import { ATTENTION, bpReading, URGENT_BP } from '../testing/fixtures.js';
import { kioskUsername, mayPublish, maySubscribe, mayUseClientId, parseKioskUsername } from './acl.js';
import { decodeCursor, encodeCursor, pageOf } from './cursor.js';
import { dynsecFile, dynsecPassword } from './dynsec.js';
import { RateLimiter } from './rate-limit.js';
import { bindReading, nameKey, observationsOf, referralFlags, utc, worstSeverity } from './readings.js';
import { grantScopes } from './scopes.js';
import { hashSecret, verifySecret } from './secrets.js';

describe('secrets', () => {
  it('verifies a hash made by mosquitto_passwd (Mosquitto 2, PBKDF2-SHA512)', () => {
    const fromMosquittoPasswd =
      '$7$101$HDG+W/4zQUpk4oVD$bMe2Gcz22FpDnlq7b8SjOcxMy96ktU0TvMhg8+tWfr1lLsod8bIgT4bbcOxpueXPpNBY7o/vwJGecCpZhaV7Cg==';
    expect(verifySecret('s3cret', fromMosquittoPasswd)).toBe(true);
    expect(verifySecret('s3cres', fromMosquittoPasswd)).toBe(false);
  });

  it('hashes with a new salt each time, in the same format', () => {
    const a = hashSecret('k');
    const b = hashSecret('k');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$7\$1000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(verifySecret('k', a) && verifySecret('k', b)).toBe(true);
    expect(verifySecret('k', 'plain')).toBe(false);
    expect(verifySecret('k', '$6$1$abc$def')).toBe(false);
  });
});

describe('MQTT access rules', () => {
  const me = { kind: 'kiosk' as const, clinicId: 'c1', kioskId: 'k1' };
  it('lets a kiosk publish only under its own topics and read only its receipts', () => {
    expect(mayPublish(me, 'klinik-desa/v1/c1/k1/readings')).toBe(true);
    expect(mayPublish(me, 'klinik-desa/v1/c1/k1/status')).toBe(true);
    expect(mayPublish(me, 'klinik-desa/v1/c1/k1/events')).toBe(true);
    expect(mayPublish(me, 'klinik-desa/v1/c1/k1/receipts')).toBe(false);
    expect(mayPublish(me, 'klinik-desa/v1/c1/k2/readings')).toBe(false);
    expect(mayPublish(me, 'klinik-desa/v1/c2/k1/readings')).toBe(false);
    expect(mayPublish(me, 'elsewhere/c1/k1/readings')).toBe(false);
    expect(maySubscribe(me, 'klinik-desa/v1/c1/k1/receipts')).toBe(true);
    expect(maySubscribe(me, 'klinik-desa/v1/c1/k2/receipts')).toBe(false);
    expect(maySubscribe(me, 'klinik-desa/v1/+/+/readings')).toBe(false);
    expect(maySubscribe(me, 'klinik-desa/v1/c1/+/receipts')).toBe(false);
    expect(maySubscribe(me, 'klinik-desa/v1/c1/k1/status')).toBe(true);
    expect(maySubscribe(me, 'klinik-desa/v1/c1/k2/status')).toBe(false);
  });

  it('holds a client id to its identity: a kiosk its user name, the ingest never a kiosk-shaped one', () => {
    expect(mayUseClientId(me, 'kiosk.c1.k1')).toBe(true);
    expect(mayUseClientId(me, 'kiosk.c1.k2')).toBe(false);
    expect(mayUseClientId(me, 'klinik-desa-ingest-host')).toBe(false);
    expect(mayUseClientId({ kind: 'ingest' }, 'klinik-desa-ingest-host')).toBe(true);
    expect(mayUseClientId({ kind: 'ingest' }, 'kiosk.c1.k1')).toBe(false);
  });

  it('lets the ingest user read every kiosk (shared or not) and write only receipts', () => {
    const ingest = { kind: 'ingest' as const };
    expect(maySubscribe(ingest, '$share/ingest/klinik-desa/v1/+/+/readings')).toBe(true);
    expect(maySubscribe(ingest, 'klinik-desa/v1/+/+/status')).toBe(true);
    expect(maySubscribe(ingest, 'klinik-desa/v1/+/+/receipts')).toBe(false);
    expect(mayPublish(ingest, 'klinik-desa/v1/c1/k1/receipts')).toBe(true);
    expect(mayPublish(ingest, 'klinik-desa/v1/c1/k1/readings')).toBe(false);
    expect(mayPublish(ingest, 'klinik-desa/v1/c1/k1/status')).toBe(true);
    expect(mayPublish(ingest, 'klinik-desa/v1/+/+/receipts')).toBe(false);
  });

  it('names kiosks unambiguously and writes the same rules for Mosquitto', () => {
    expect(kioskUsername('c-1', 'k_1')).toBe('kiosk.c-1.k_1');
    expect(parseKioskUsername('kiosk.c-1.k_1')).toEqual({ clinicId: 'c-1', kioskId: 'k_1' });
    expect(parseKioskUsername('kiosk.c.k.x')).toBeUndefined();
    const hash =
      '$7$101$HDG+W/4zQUpk4oVD$bMe2Gcz22FpDnlq7b8SjOcxMy96ktU0TvMhg8+tWfr1lLsod8bIgT4bbcOxpueXPpNBY7o/vwJGecCpZhaV7Cg==';
    expect(dynsecPassword(hash)).toEqual({
      iterations: 101,
      salt: 'HDG+W/4zQUpk4oVD',
      password: 'bMe2Gcz22FpDnlq7b8SjOcxMy96ktU0TvMhg8+tWfr1lLsod8bIgT4bbcOxpueXPpNBY7o/vwJGecCpZhaV7Cg==',
    });
    expect(() => dynsecPassword('plain')).toThrow(/\$7\$/);
    const file = dynsecFile({
      ingest: { username: 'ingest', secretHash: hash },
      admin: { username: 'admin', secretHash: hash },
      kiosks: [{ clinicId: 'c1', kioskId: 'k1', username: 'kiosk.c1.k1', secretHash: hash }],
    });
    expect(file.defaultACLAccess).toMatchObject({ publishClientSend: false, subscribe: false });
    expect(file.clients.find((c) => c.username === 'kiosk.c1.k1')?.clientid).toBe('kiosk.c1.k1');
    const role = file.roles.find((r) => r.rolename === 'kiosk.c1.k1');
    expect(role?.acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic)).toEqual([
      'klinik-desa/v1/c1/k1/readings',
      'klinik-desa/v1/c1/k1/status',
      'klinik-desa/v1/c1/k1/events',
    ]);
  });
});

describe('readings in the record', () => {
  it('binds a reading to its open screening, else keeps it unassigned', () => {
    const screenings = new Map([
      ['s1', { patientId: 'p1', clinicId: 'c1', open: true }],
      ['s3', { patientId: 'p1', clinicId: 'c1', open: false }],
    ]);
    const none = new Map<string, Set<string>>();
    expect(bindReading({ sessionId: 's1', patientId: 'x', clinicId: 'c1' }, screenings, none)).toEqual({
      screeningId: 's1',
      patientId: 'p1',
      assignment: 'assigned',
    });
    expect(bindReading({ sessionId: 's2', patientId: 'x', clinicId: 'c1' }, screenings, none)).toEqual({
      screeningId: null,
      patientId: 'x',
      assignment: 'unassigned',
    });
    expect(bindReading({ sessionId: 's3', clinicId: 'c1' }, screenings, none)).toMatchObject({
      assignment: 'unassigned',
    });
    expect(bindReading({ clinicId: 'c1' }, screenings, none)).toMatchObject({ assignment: 'unassigned' });
  });

  it("refuses a reading naming another clinic's screening or patient", () => {
    const screenings = new Map([
      ['b-open', { patientId: 'pb', clinicId: 'B', open: true }],
      ['b-done', { patientId: 'pb', clinicId: 'B', open: false }],
    ]);
    const seen = new Map([['pb', new Set(['B'])]]);
    for (const sessionId of ['b-open', 'b-done']) {
      expect(bindReading({ sessionId, clinicId: 'A' }, screenings, seen)).toMatchObject({
        refused: 'FOREIGN_SCREENING',
      });
    }
    expect(bindReading({ patientId: 'pb', clinicId: 'A' }, screenings, seen)).toMatchObject({
      refused: 'FOREIGN_PATIENT',
    });
    expect(bindReading({ patientId: 'pb', clinicId: 'B' }, screenings, seen)).toMatchObject({
      patientId: 'pb',
      assignment: 'unassigned',
    });
  });

  it('splits a reading into one observation per value, each with its flags', () => {
    const r = bpReading({ measuredAt: '2026-11-23T09:00:00+07:00' }, [URGENT_BP, ATTENTION]);
    const rows = observationsOf(r, { screeningId: 's', patientId: 'p', assignment: 'assigned' });
    expect(rows.map((o) => [o.id, o.flags.map((f) => f.code)])).toEqual([
      [`${r.id}.systolic`, ['bp.grade-3', 'bp.high-normal']],
      [`${r.id}.diastolic`, ['bp.high-normal']],
    ]);
    expect(rows[0]?.measuredAt).toBe('2026-11-23T02:00:00.000Z');
    expect(rows[0]?.source).toBe('device');
  });

  it('makes referrals of refer and urgent flags only, once per code', () => {
    const flags = referralFlags({
      flags: [
        ATTENTION,
        URGENT_BP,
        { ...URGENT_BP, severity: 'refer' },
        { code: 'glucose.high', severity: 'refer' },
      ],
    });
    expect(flags.map((f) => [f.code, f.severity])).toEqual([
      ['bp.grade-3', 'urgent'],
      ['glucose.high', 'refer'],
    ]);
    expect(worstSeverity([])).toBe('normal');
    expect(worstSeverity([ATTENTION, URGENT_BP])).toBe('urgent');
  });

  it('compares names without case, accents or extra spaces', () => {
    expect(nameKey('  Siti  AMINAH-Putri ')).toBe('siti aminah putri');
    expect(nameKey('Élodie')).toBe('elodie');
  });
});

describe('cursors', () => {
  it('round-trip and refuse what this server did not make', () => {
    expect(decodeCursor(encodeCursor('01a2/x'))).toBe('01a2/x');
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(() => decodeCursor('bm9wZQ')).toThrow(ClinicError);
    const page = pageOf([1, 2, 3], 2, String, (n) => n * 10);
    expect(page.data).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor ?? undefined)).toBe('2');
    expect(pageOf([1, 2], 2, String, (n) => n).nextCursor).toBeNull();
  });
});

describe('rate limiter', () => {
  it('allows a burst, then one request per refill, and says how long to wait', () => {
    const limiter = new RateLimiter(2, 1);
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([0, 0, 1]);
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 1000)).toBe(0);
    expect(limiter.take('a', 1000)).toBe(1);
  });
});

describe('scopes', () => {
  it('grants the role scopes, or the subset asked for, and refuses more', () => {
    expect(grantScopes('kiosk', undefined)).toContain('reading.triage');
    expect(grantScopes('partner', 'patient.read fhir.read')).toEqual(['patient.read', 'fhir.read']);
    expect(() => grantScopes('kiosk', 'kiosk.admin')).toThrow(/may not have scope/);
    expect(() => grantScopes('admin', 'everything')).toThrow(/unknown scope/);
  });
});

describe('utc', () => {
  it('gives every instant in the canonical UTC form, and the canonical form unchanged', () => {
    expect(utc('2026-11-23T09:14:00.000Z')).toBe('2026-11-23T09:14:00.000Z');
    expect(utc('2026-11-23T16:14:00+07:00')).toBe('2026-11-23T09:14:00.000Z');
    expect(utc('2026-11-23T09:14:00Z')).toBe('2026-11-23T09:14:00.000Z');
    expect(utc('2026-11-23T09:14:00.5Z')).toBe('2026-11-23T09:14:00.500Z');
  });
});
