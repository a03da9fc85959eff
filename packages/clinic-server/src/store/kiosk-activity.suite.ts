import { type KioskEvent, type KioskStatus, newUuidV7 } from '@klinik-desa/protocol';
import { expect, it } from 'vitest';
import { EVERY_CLINIC } from '../domain/access.js';
import { hashSecret } from '../domain/secrets.js';
import type { SqlClinicStore } from './sql-store.js';

const CLINIC = 'clinic-ev';
const OTHER_CLINIC = 'clinic-ev-other';
const NOW_ISO = '2026-11-23T03:00:00.000Z';

function event(kioskId: string, type: KioskEvent['type'], at: string, extra: Partial<KioskEvent> = {}) {
  return { id: newUuidV7(), clinicId: CLINIC, kioskId, at, type, ...extra } satisfies KioskEvent;
}

/**
 * The kiosk-activity part of the record contract: events and presence. Called inside
 * `describeStoreContract`, so it runs against SQLite and PostgreSQL alike; its kiosks are its own.
 */
export function kioskActivityContract(store: () => SqlClinicStore) {
  async function register(clinicId: string, kioskId: string) {
    await store().registerKiosk(
      { clinicId, kioskId, name: null },
      `kiosk.${clinicId}.${kioskId}`,
      hashSecret('s'),
      '2026-11-23T00:00:00.000Z',
    );
  }

  it("keeps a registered kiosk's events once, newest first, by page, type and time, for its clinics only", async () => {
    const s = store();
    await register(CLINIC, 'kiosk-ev1');
    const started = event('kiosk-ev1', 'started', '2026-11-22T17:30:00.000Z', { message: 'agent 1.0' });
    const lost = event('kiosk-ev1', 'device-lost', '2026-11-23T01:00:00+07:00', { deviceId: 'scale-1' });
    const errors = event('kiosk-ev1', 'decode-errors', '2026-11-22T18:30:00.000Z', {
      deviceId: 'scale-1',
      code: 'BAD_CHECKSUM',
      count: 3,
    });
    // Ids are UUIDv7: the list's order is the order the kiosk made them in.
    for (const e of [started, lost, errors]) {
      expect(await s.recordKioskEvent(e, '2026-11-23T00:00:00.000Z')).toBe('stored');
    }
    expect(await s.recordKioskEvent(lost, '2026-11-23T00:00:09.000Z')).toBe('duplicate');
    expect(await s.recordKioskEvent(event('kiosk-nobody', 'started', NOW_ISO), NOW_ISO)).toBe(
      'unknown-kiosk',
    );

    const first = await s.listKioskEvents(CLINIC, 'kiosk-ev1', {}, { limit: 2 }, EVERY_CLINIC);
    expect(first.data).toEqual([
      { ...errors, receivedAt: '2026-11-23T00:00:00.000Z' },
      { ...lost, receivedAt: '2026-11-23T00:00:00.000Z' },
    ]);
    const rest = await s.listKioskEvents(
      CLINIC,
      'kiosk-ev1',
      {},
      { limit: 2, cursor: first.nextCursor ?? undefined },
      EVERY_CLINIC,
    );
    expect(rest.data.map((e) => e.id)).toEqual([started.id]);
    expect(rest.nextCursor).toBeNull();

    const byType = await s.listKioskEvents(
      CLINIC,
      'kiosk-ev1',
      { type: 'device-lost' },
      { limit: 9 },
      EVERY_CLINIC,
    );
    expect(byType.data.map((e) => e.id)).toEqual([lost.id]);
    // `since` compares instants: 01:00 WIB is 18:00 UTC the day before, after 17:30 and before 18:30.
    const since = await s.listKioskEvents(
      CLINIC,
      'kiosk-ev1',
      { since: '2026-11-23T01:00:00+07:00' },
      { limit: 9 },
      EVERY_CLINIC,
    );
    expect(since.data.map((e) => e.id)).toEqual([errors.id, lost.id]);

    const other = { all: false as const, clinicIds: [OTHER_CLINIC] };
    expect((await s.listKioskEvents(CLINIC, 'kiosk-ev1', {}, { limit: 9 }, other)).data).toEqual([]);
    expect(await s.getKioskPresence(CLINIC, 'kiosk-ev1', other)).toBeUndefined();
    expect(await s.getKioskPresence(CLINIC, 'kiosk-nobody', EVERY_CLINIC)).toBeUndefined();
    expect((await s.getKioskPresence(CLINIC, 'kiosk-ev1', EVERY_CLINIC))?.lastSeenAt).toBe(
      '2026-11-23T00:00:00.000Z',
    );
  });

  it("keeps each kiosk's events under its own key: another kiosk cannot take an event id", async () => {
    const s = store();
    await register(CLINIC, 'kiosk-ev2');
    await register(OTHER_CLINIC, 'kiosk-ev2');
    const mine = event('kiosk-ev2', 'device-lost', NOW_ISO);
    // The same id first from a kiosk of another clinic: both are kept, each under its kiosk.
    expect(await s.recordKioskEvent({ ...mine, clinicId: OTHER_CLINIC }, NOW_ISO)).toBe('stored');
    expect(await s.recordKioskEvent(mine, NOW_ISO)).toBe('stored');
    const list = await s.listKioskEvents(CLINIC, 'kiosk-ev2', {}, { limit: 9 }, EVERY_CLINIC);
    expect(list.data).toEqual([{ ...mine, receivedAt: NOW_ISO }]);
  });

  it('prunes events by when the clinic received them, whatever the kiosk clock said', async () => {
    const s = store();
    await register(CLINIC, 'kiosk-ev3');
    // A kiosk clock years ahead does not keep its event longer.
    const future = event('kiosk-ev3', 'started', '2031-01-01T00:00:00.000Z');
    const recent = event('kiosk-ev3', 'stopping', '2026-01-01T00:00:00.000Z');
    await s.recordKioskEvent(future, '2026-10-01T00:00:00.000Z');
    await s.recordKioskEvent(recent, '2026-11-20T00:00:00.000Z');
    expect(await s.pruneKioskEvents('2026-10-24T00:00:00.000Z')).toBe(1);
    const left = await s.listKioskEvents(CLINIC, 'kiosk-ev3', {}, { limit: 9 }, EVERY_CLINIC);
    expect(left.data.map((e) => e.id)).toEqual([recent.id]);
  });

  it('knows a kiosk online from its status and offline from its last will, and ignores stale statuses', async () => {
    const s = store();
    await register(CLINIC, 'kiosk-ev4');
    const presence = () => s.getKioskPresence(CLINIC, 'kiosk-ev4', EVERY_CLINIC);
    expect(await presence()).toMatchObject({ state: 'unknown', since: null, lastSeenAt: null, status: null });

    const base = { clinicId: CLINIC, kioskId: 'kiosk-ev4' };
    // The agent connected at 03:00:00 (its will says so) and sends its status as things change.
    const will: KioskStatus = { ...base, state: 'offline', at: '2026-11-23T03:00:00.000Z' };
    const online: KioskStatus = {
      ...base,
      state: 'online',
      at: '2026-11-23T03:00:10.000Z',
      startedAt: '2026-11-23T02:59:58.000Z',
      devices: [{ id: 'scale-1', protocol: 'ad-scale', state: 'disconnected', errors: {} }],
    };
    expect(await s.recordKioskStatus(online, '2026-11-23T03:00:11.000Z')).toBe(true);
    expect(await presence()).toEqual({
      ...base,
      state: 'online',
      since: '2026-11-23T03:00:11.000Z',
      lastSeenAt: '2026-11-23T03:00:11.000Z',
      status: online,
    });
    // The retained copy again (a server restart): nothing changes.
    expect(await s.recordKioskStatus(online, '2026-11-23T04:00:00.000Z')).toBe(false);
    // Older than the one kept: ignored.
    expect(await s.recordKioskStatus({ ...online, at: '2026-11-23T03:00:05.000Z' }, NOW_ISO)).toBe(false);

    // The connection dies: the broker publishes the will, older than the status kept.
    expect(await s.recordKioskStatus(will, '2026-11-23T03:05:00.000Z')).toBe(true);
    expect(await presence()).toMatchObject({
      state: 'offline',
      since: '2026-11-23T03:05:00.000Z',
      lastSeenAt: '2026-11-23T03:00:11.000Z',
      status: will,
    });
    // A late copy of an earlier online status cannot undo it.
    expect(await s.recordKioskStatus({ ...online, at: '2026-11-23T03:00:09.000Z' }, NOW_ISO)).toBe(false);

    // Back again, then a will of an earlier run (before this run's start) arrives late: ignored.
    const again = { ...online, at: '2026-11-23T03:10:00.000Z', startedAt: '2026-11-23T03:09:00.000Z' };
    expect(await s.recordKioskStatus(again, '2026-11-23T03:10:01.000Z')).toBe(true);
    expect(await s.recordKioskStatus(will, '2026-11-23T03:10:02.000Z')).toBe(false);
    expect(await presence()).toMatchObject({ state: 'online', since: '2026-11-23T03:10:01.000Z' });
    // A status of a kiosk nobody registered is not kept anywhere.
    expect(await s.recordKioskStatus({ ...online, kioskId: 'kiosk-nobody' }, NOW_ISO)).toBe(false);
  });
}
