import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  DeviceMeasurement,
  isUuidV7,
  KioskEvent,
  KioskStatus,
  newUuidV7,
  parseTopic,
  READINGS_PER_MESSAGE_MAX,
  Reading,
  ReceiptMessage,
  subscriptionFor,
  TopicError,
  topicFor,
  topics,
  uuidV7Time,
} from './index.js';
import { allJsonSchemas } from './json-schema.js';

const reading: Reading = {
  id: '019ab3c2-5f00-7a3c-9d11-2b3c4d5e6f70',
  clinicId: 'kdmp-3201-001',
  kioskId: 'kiosk-1',
  device: { id: 'scale-1', protocol: 'ad-scale' },
  kind: 'weight',
  measuredAt: '2026-11-23T02:15:00.000Z',
  receivedAt: '2026-11-23T02:15:00.120Z',
  timeSource: 'kiosk',
  values: [
    { name: 'weight', code: '29463-7', value: 62.45, unit: 'kg', original: { value: 62.45, unit: 'kg' } },
  ],
  flags: [],
};

describe('Reading', () => {
  it('round-trips through JSON unchanged', () => {
    const parsed = Reading.parse(JSON.parse(JSON.stringify(reading)));
    expect(parsed).toEqual(reading);
  });

  it('keeps a value the device could not give as null with a reason, and refuses null without one', () => {
    const absent = {
      ...reading,
      values: [{ name: 'weight', code: '29463-7', value: null, unit: 'kg', absentReason: 'error' }],
    };
    expect(Reading.safeParse(absent).success).toBe(true);
    const bare = { ...reading, values: [{ name: 'weight', code: '29463-7', value: null, unit: 'kg' }] };
    const result = Reading.safeParse(bare);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['values', 0, 'absentReason']);
  });

  it.each([
    ['id', { id: 'not-a-uuid' }],
    ['id', { id: '019ab3c2-5f00-4a3c-9d11-2b3c4d5e6f70' }],
    ['clinicId', { clinicId: 'a/b' }],
    ['measuredAt', { measuredAt: '2026-11-23 02:15' }],
    ['values', { values: [] }],
    ['kind', { kind: 'mood' }],
    ['nik', { nik: '3201010101010001' }],
  ])('names the bad field (%s)', (field, patch) => {
    const result = Reading.safeParse({ ...reading, ...patch });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) =>
      i.path.length ? String(i.path[0]) : String((i as { keys?: string[] }).keys?.[0]),
    );
    expect(paths).toContain(field);
  });
});

describe('other payloads', () => {
  it('accepts receipts, status and events of the documented shape', () => {
    expect(
      ReceiptMessage.parse({
        at: '2026-11-23T02:15:01Z',
        receipts: [
          { readingId: reading.id, status: 'stored' },
          { readingId: null, status: 'rejected', code: 'INVALID_JSON', message: 'Unexpected token' },
        ],
      }).receipts,
    ).toHaveLength(2);
    const status = KioskStatus.parse({
      state: 'online',
      clinicId: 'c1',
      kioskId: 'k1',
      at: '2026-11-23T02:15:01+07:00',
      devices: [{ id: 'scale-1', protocol: 'ad-scale', state: 'connected', errors: { BAD_FORMAT: 2 } }],
      outbox: { depth: 3, capacity: 100000, nearlyFull: false },
    });
    expect(status.devices?.[0]?.errors['BAD_FORMAT']).toBe(2);
    expect(
      KioskEvent.safeParse({
        id: newUuidV7(),
        clinicId: 'c1',
        kioskId: 'k1',
        at: '2026-11-23T02:15:01Z',
        type: 'reboot',
      }).success,
    ).toBe(false);
  });

  it('types device measurements by kind, with special values as null plus a reason', () => {
    const m = DeviceMeasurement.parse({
      kind: 'blood-pressure',
      systolic: { value: 120, unit: 'mm[Hg]' },
      diastolic: { value: null, unit: 'mm[Hg]', missing: 'nres' },
    });
    expect(m.kind).toBe('blood-pressure');
    expect(
      DeviceMeasurement.safeParse({ kind: 'weight', weight: { value: Number.NaN, unit: 'kg' } }).success,
    ).toBe(false);
  });
});

describe('UUIDv7', () => {
  it('makes valid, time-ordered ids even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newUuidV7(1_700_000_000_000));
    for (const id of ids) expect(isUuidV7(id)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stores the creation time', () => {
    const t = Date.UTC(2030, 0, 1);
    expect(uuidV7Time(newUuidV7(t))).toBeGreaterThanOrEqual(t);
  });
});

describe('topics', () => {
  it('builds and parses every channel', () => {
    for (const channel of ['readings', 'receipts', 'status', 'events'] as const) {
      const topic = topicFor(channel, 'clinic-1', 'kiosk_2');
      expect(topic).toBe(`klinik-desa/v1/clinic-1/kiosk_2/${channel}`);
      expect(parseTopic(topic)).toEqual({ clinicId: 'clinic-1', kioskId: 'kiosk_2', channel });
    }
    expect(topics.readings('c', 'k')).toBe('klinik-desa/v1/c/k/readings');
  });

  it('refuses ids that would break topic levels, and topics that are not ours', () => {
    expect(() => topicFor('readings', 'c/+', 'k')).toThrow(TopicError);
    expect(() => topicFor('readings', 'c', '#')).toThrow(/kiosk id "#"/);
    expect(parseTopic('klinik-desa/v1/c/k/other')).toBeUndefined();
    expect(parseTopic('klinik-desa/v2/c/k/readings')).toBeUndefined();
    expect(parseTopic('klinik-desa/v1/c/k/readings/extra')).toBeUndefined();
  });

  it('gives plain and shared subscriptions', () => {
    expect(subscriptionFor('readings')).toBe('klinik-desa/v1/+/+/readings');
    expect(subscriptionFor('readings', { sharedGroup: 'ingest' })).toBe(
      '$share/ingest/klinik-desa/v1/+/+/readings',
    );
  });
});

describe('JSON Schemas', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const schemas = allJsonSchemas();

  it('validate what zod validates, and reject what zod rejects', () => {
    const validate = ajv.compile(schemas.reading);
    expect(validate(reading)).toBe(true);
    expect(validate({ ...reading, values: [] })).toBe(false);
    expect(validate({ ...reading, extra: 1 })).toBe(false);
    expect(validate({ ...reading, measuredAt: 'yesterday' })).toBe(false);
  });

  it('describe a batch as 1 to 500 readings', () => {
    const validate = ajv.compile(schemas['reading-batch']);
    expect(validate([reading, { ...reading, id: '0190a4b0-0000-7000-8000-000000000002' }])).toBe(true);
    expect(validate([])).toBe(false);
    expect(validate(reading)).toBe(false);
    expect(validate([reading, { ...reading, extra: 1 }])).toBe(false);
    expect(validate(Array.from({ length: READINGS_PER_MESSAGE_MAX + 1 }, () => reading))).toBe(false);
  });

  it('are committed in docs/schemas and up to date (run `pnpm schemas` after changing a schema)', async () => {
    const { readFileSync } = await import('node:fs');
    for (const [name, schema] of Object.entries(schemas)) {
      const file = new URL(`../../../docs/schemas/${name}.schema.json`, import.meta.url);
      const committed = JSON.parse(readFileSync(file, 'utf8'));
      expect(committed, `docs/schemas/${name}.schema.json is stale: run pnpm schemas`).toEqual(
        JSON.parse(JSON.stringify(schema)),
      );
    }
  });
});
