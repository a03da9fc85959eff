import { newUuidV7 } from '@klinik-desa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outbox, OutboxLimits } from './outbox.js';

export type OutboxFactory = (options: { limits?: Partial<OutboxLimits>; now?: () => number }) => Outbox;

const entry = (id = newUuidV7(), dedupeKey?: string) => ({
  id,
  topic: 'klinik-desa/v1/c/k/readings',
  payload: `{"id":"${id}"}`,
  ...(dedupeKey !== undefined ? { dedupeKey } : {}),
});

const request = (kind: 'open-screening' | 'finish-screening', screeningId: string) => ({
  id: `${kind}:${screeningId}`,
  kind,
  topic: kind === 'open-screening' ? 'POST /screenings' : `POST /screenings/${screeningId}/finish`,
  payload: JSON.stringify({ screeningId }),
});

/**
 * What every outbox must do, run against each implementation (the MQTT.js `Store` pattern): the
 * no-loss promise is only as good as the weakest implementation.
 */
export function outboxContract(name: string, make: OutboxFactory): void {
  describe(`Outbox contract: ${name}`, () => {
    const open: Outbox[] = [];
    const outbox = (options: Parameters<OutboxFactory>[0] = {}) => {
      const o = make(options);
      open.push(o);
      return o;
    };
    afterEach(() => {
      for (const o of open.splice(0)) o.close();
    });

    it('hands readings out oldest first, and keeps them until their receipt', () => {
      const o = outbox();
      const [a, b, c] = [entry(), entry(), entry()];
      for (const e of [a, b, c]) expect(o.add(e)).toBe(true);
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
      o.markPublished(a.id);
      expect(o.get(a.id)).toMatchObject({ state: 'published', attempts: 1 });
      expect(o.stats()).toMatchObject({ pending: 3, total: 3 });
      expect(o.markReceived([a.id, 'not-there'])).toBe(1);
      expect(o.markReceived([a.id])).toBe(0);
      expect(o.get(a.id)?.state).toBe('received');
      expect(o.stats()).toMatchObject({ pending: 2, total: 3 });
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([b.id, c.id]);
    });

    it('sends a published reading again until it is received (the receipt may be lost)', () => {
      const o = outbox();
      const a = entry();
      o.add(a);
      o.markPublished(a.id);
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([a.id]);
      o.markPublished(a.id);
      expect(o.get(a.id)?.attempts).toBe(2);
    });

    it('respects the limit and continues after a position', () => {
      const o = outbox();
      const es = Array.from({ length: 5 }, () => entry());
      for (const e of es) o.add(e);
      const first = o.nextToPublish(2);
      expect(first.map((e) => e.id)).toEqual([es[0]!.id, es[1]!.id]);
      expect(o.nextToPublish(2, first.at(-1)!.seq).map((e) => e.id)).toEqual([es[2]!.id, es[3]!.id]);
      o.markReceived([es[2]!.id]);
      expect(o.nextToPublish(10, first.at(-1)!.seq).map((e) => e.id)).toEqual([es[3]!.id, es[4]!.id]);
      expect(o.nextToPublish(0)).toEqual([]);
    });

    it('keeps a reading once, whether the same id or the same device record comes again', () => {
      const o = outbox();
      const a = entry(newUuidV7(), 'meter-1#seq:17');
      expect(o.add(a)).toBe(true);
      expect(o.add(a)).toBe(false);
      expect(o.add(entry(newUuidV7(), 'meter-1#seq:17'))).toBe(false);
      expect(o.add(entry(newUuidV7(), 'meter-1#seq:18'))).toBe(true);
      expect(o.stats().total).toBe(2);
    });

    it('takes a record kept under a former key (an earlier agent version) as seen, and its new key from then on', () => {
      const o = outbox();
      expect(o.add(entry(newUuidV7(), 'gateway-1#seq:7'))).toBe(true);
      const again = { ...entry(newUuidV7(), 'gateway-1@A0:11#seq:7'), formerKeys: ['gateway-1#seq:7'] };
      expect(o.add(again)).toBe(false);
      expect(o.add(entry(newUuidV7(), 'gateway-1@A0:11#seq:7'))).toBe(false);
      // Another meter's record with a sequence number the earlier agent never saw is new.
      const other = { ...entry(newUuidV7(), 'gateway-1@A0:12#seq:8'), formerKeys: ['gateway-1#seq:8'] };
      expect(o.add(other)).toBe(true);
    });

    it('keeps rejected readings, visible, without sending them again', () => {
      const o = outbox();
      const [a, b] = [entry(), entry()];
      o.add(a);
      o.add(b);
      o.reject(a.id, 'SCHEMA', '/values: must have at least 1 item');
      expect(o.get(a.id)).toMatchObject({ state: 'rejected', rejectCode: 'SCHEMA' });
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([b.id]);
      expect(o.stats()).toMatchObject({ pending: 2, rejected: 1 });
    });

    it('puts back rejected readings of the given codes, in their old place, and only those', () => {
      const o = outbox();
      const [a, b, c, d] = [entry(), entry(), entry(), entry()];
      for (const e of [a, b, c, d]) o.add(e);
      o.markPublished([a.id, b.id, c.id, d.id]);
      o.reject(a.id, 'UNSTORABLE', 'the clinic record could not store this reading');
      o.reject(b.id, 'SCHEMA', '/values: must have at least 1 item');
      o.reject(c.id, 'UNSTORABLE', 'the clinic record could not store this reading');
      o.markReceived([d.id]);
      expect(o.requeueRejected(['UNSTORABLE', 'NOT_A_CODE']).map((e) => e.id)).toEqual([a.id, c.id]);
      expect(o.get(a.id)).toMatchObject({ state: 'queued' });
      expect(o.get(a.id)?.rejectCode).toBeUndefined();
      expect(o.get(a.id)?.rejectMessage).toBeUndefined();
      expect(o.get(b.id)).toMatchObject({ state: 'rejected', rejectCode: 'SCHEMA' });
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([a.id, c.id]);
      expect(o.stats()).toMatchObject({ pending: 3, rejected: 1 });
      // Done once: nothing is left to put back, and no code puts back nothing.
      expect(o.requeueRejected(['UNSTORABLE'])).toEqual([]);
      expect(o.requeueRejected([])).toEqual([]);
      o.markReceived([a.id, c.id]);
      expect(o.get(c.id)?.state).toBe('received');
    });

    it('holds the readings after a request put back until it is done again', () => {
      const o = outbox();
      const open = request('open-screening', 'scr-9');
      const r = entry();
      o.add(open);
      o.add(r);
      o.reject(open.id, 'UNAVAILABLE', 'the clinic record cannot do this now');
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([r.id]);
      expect(o.requeueRejected(['UNAVAILABLE']).map((e) => e.id)).toEqual([open.id]);
      expect(o.nextRequest()?.id).toBe(open.id);
      expect(o.nextToPublish(10)).toEqual([]);
      o.markReceived([open.id]);
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([r.id]);
    });

    it('says since when the oldest unconfirmed reading has waited, rejected ones included', () => {
      let now = 5_000;
      const o = outbox({ now: () => now });
      const [a, b, c] = [entry(), entry(), entry()];
      for (const e of [a, b, c]) {
        o.add(e);
        now += 1000;
      }
      expect(o.stats().oldestPendingAt).toBe(5_000);
      o.markPublished(a.id);
      expect(o.stats().oldestPendingAt).toBe(5_000);
      o.markReceived([a.id]);
      expect(o.stats().oldestPendingAt).toBe(6_000);
      o.reject(b.id, 'SCHEMA', 'bad');
      expect(o.stats().oldestPendingAt).toBe(6_000);
      o.markReceived([c.id]);
      expect(o.stats()).toMatchObject({ pending: 1, rejected: 1, total: 3, oldestPendingAt: 6_000 });
      o.reject(b.id, 'SCHEMA', 'bad');
      const d = entry();
      o.add(d);
      o.markReceived([d.id]);
      expect(o.stats().pending).toBe(1);
    });

    it('has no oldest unconfirmed reading when all are confirmed', () => {
      const o = outbox();
      const a = entry();
      o.add(a);
      o.markReceived([a.id]);
      expect(o.stats().oldestPendingAt).toBeUndefined();
    });

    it('prunes received readings by age and over capacity, never one still waiting', () => {
      let now = 1_000_000;
      const o = outbox({ limits: { capacity: 3, keepReceivedMs: 1000, warnAt: 0.5 }, now: () => now });
      const es = Array.from({ length: 5 }, () => entry());
      for (const e of es) o.add(e);
      expect(o.stats()).toMatchObject({ pending: 5, nearlyFull: true });
      o.markReceived([es[0]!.id, es[1]!.id, es[2]!.id]);
      // Over capacity by 2: the two oldest received readings go, the third stays.
      expect(o.prune(now)).toBe(2);
      expect(o.get(es[0]!.id)).toBeUndefined();
      expect(o.get(es[2]!.id)?.state).toBe('received');
      now += 2000;
      expect(o.prune(now)).toBe(1);
      // At capacity with nothing received: everything waiting is kept, and the status warns.
      for (let i = 0; i < 4; i++) o.add(entry());
      expect(o.prune(now)).toBe(0);
      expect(o.stats()).toMatchObject({ pending: 6, total: 6, nearlyFull: true });
    });

    it('adds a batch at once, telling which entries were new', () => {
      const o = outbox();
      const a = entry(newUuidV7(), 'meter-1#seq:1');
      o.add(a);
      const b = entry();
      expect(o.addMany([a, b, entry(newUuidV7(), 'meter-1#seq:1'), b])).toEqual([false, true, false, false]);
      o.markPublished([a.id, b.id]);
      expect(o.get(b.id)).toMatchObject({ state: 'published', attempts: 1 });
      expect(o.stats().total).toBe(2);
    });

    it('hands out a request once the readings before it are confirmed, and holds the later ones until it is done', () => {
      const o = outbox();
      const [a, b, c] = [entry(), entry(), entry()];
      const finish = request('finish-screening', 'scr-1');
      o.add(a);
      o.add(b);
      o.add(finish);
      o.add(c);
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([a.id, b.id]);
      expect(o.nextRequest()).toBeUndefined();
      o.markPublished([a.id, b.id]);
      o.markReceived([a.id]);
      expect(o.nextRequest()).toBeUndefined();
      // A rejected reading is done waiting: it never reaches the clinic either way.
      o.reject(b.id, 'SCHEMA', 'bad');
      expect(o.nextRequest()).toMatchObject({ id: finish.id, kind: 'finish-screening', state: 'queued' });
      expect(o.nextToPublish(10, 0)).toEqual([]);
      expect(o.stats()).toMatchObject({ pending: 3, rejected: 1 });
      o.markReceived([finish.id]);
      expect(o.nextRequest()).toBeUndefined();
      expect(o.nextToPublish(10, 0).map((e) => e.id)).toEqual([c.id]);
    });

    it('takes requests in order, a refused one no less done than a delivered one', () => {
      const o = outbox();
      const open = request('open-screening', 'scr-2');
      const r = entry();
      const finish = request('finish-screening', 'scr-2');
      for (const e of [open, r, finish]) expect(o.add(e)).toBe(true);
      expect(o.add(request('finish-screening', 'scr-2'))).toBe(false);
      expect(o.nextRequest()?.id).toBe(open.id);
      expect(o.nextToPublish(10)).toEqual([]);
      o.reject(open.id, 'NOT_FOUND', 'no patient');
      expect(o.nextToPublish(10).map((e) => e.id)).toEqual([r.id]);
      expect(o.nextRequest()).toBeUndefined();
      o.markReceived([r.id]);
      expect(o.nextRequest()?.id).toBe(finish.id);
      expect(o.get(open.id)).toMatchObject({ state: 'rejected', rejectCode: 'NOT_FOUND' });
    });

    it('lists readings only as recent ones, not the requests between them', () => {
      const o = outbox();
      const [a, b] = [entry(), entry()];
      o.add(a);
      o.add(request('finish-screening', 'scr-3'));
      o.add(b);
      expect(o.recent(5).map((e) => e.id)).toEqual([b.id, a.id]);
    });

    it('tells the latest time it holds, for the clock of the next run to go on from', () => {
      let now = 50_000;
      const o = outbox({ now: () => now });
      expect(o.latestTime()).toBeUndefined();
      const a = entry(newUuidV7(), 'meter-1#seq:1');
      o.add(a);
      expect(o.latestTime()).toBe(50_000);
      now = 90_000;
      o.markReceived([a.id]);
      expect(o.latestTime()).toBe(90_000);
    });

    it('lists the most recent readings first', () => {
      const o = outbox();
      const es = Array.from({ length: 3 }, () => entry());
      for (const e of es) o.add(e);
      expect(o.recent(2).map((e) => e.id)).toEqual([es[2]!.id, es[1]!.id]);
    });
  });
}
