import {
  jsonSchemaOf,
  parseTopic,
  READINGS_MESSAGE_BYTES_MAX,
  READINGS_PER_MESSAGE_MAX,
  type Reading,
  type Receipt,
  type TopicAddress,
} from '@klinik-desa/protocol';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The largest single-reading payload accepted; a real one is under 2 kB. */
export const MAX_READING_BYTES = 64 * 1024;

export type Checked = { ok: true; reading: Reading } | { ok: false; receipt: Receipt };

function describe(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'does not match the Reading schema';
  return errors
    .slice(0, 3)
    .map((e) => {
      const where = e.instancePath || '(root)';
      if (e.keyword === 'additionalProperties')
        return `${where}: unknown field "${String(e.params['additionalProperty'])}"`;
      return `${where}: ${e.message ?? e.keyword}`;
    })
    .join('; ');
}

const rejected = (readingId: string | null, code: string, message: string): Checked => ({
  ok: false,
  receipt: { readingId, status: 'rejected', code, message },
});

/** Whether the payload is a JSON array: its first byte that is not JSON white space is "[". */
function looksLikeBatch(payload: Uint8Array): boolean {
  for (const byte of payload) {
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte === 0x5b;
  }
  return false;
}

const idOf = (value: unknown): string | null => {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) ? id : null;
};

/**
 * Checks the payload of one message on a readings topic: one reading, or a batch of them (a JSON
 * array, see `ReadingBatch`). Each reading is checked against the JSON Schema generated from the
 * protocol's zod schema (ajv compiles it to a fast validator) and against the topic it came on: a
 * kiosk may only publish readings of its own clinic and kiosk. One answer per reading, so that one
 * bad reading of a batch is rejected alone; a message too broken to find its readings in gets one
 * answer without an id.
 */
export function createMessageChecker(): (topic: string, payload: Uint8Array) => Checked[] {
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile<Reading>(jsonSchemaOf('reading'));
  const decoder = new TextDecoder('utf-8', { fatal: true });

  const checkOne = (topic: string, address: TopicAddress | undefined, value: unknown): Checked => {
    if (!validate(value)) return rejected(idOf(value), 'SCHEMA', describe(validate.errors));
    if (!address || address.clinicId !== value.clinicId || address.kioskId !== value.kioskId) {
      return rejected(
        value.id,
        'WRONG_TOPIC',
        `reading of ${value.clinicId}/${value.kioskId} published on ${topic}`,
      );
    }
    return { ok: true, reading: value };
  };

  return (topic, payload) => {
    // A batch may be larger than a single reading, never larger than the message limit.
    const limit = looksLikeBatch(payload) ? READINGS_MESSAGE_BYTES_MAX : MAX_READING_BYTES;
    if (payload.byteLength > limit) {
      return [rejected(null, 'TOO_LARGE', `payload is ${payload.byteLength} bytes; the limit is ${limit}`)];
    }
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(payload));
    } catch (error) {
      return [rejected(null, 'INVALID_JSON', (error as Error).message.slice(0, 200))];
    }
    const address = parseTopic(topic);
    if (!Array.isArray(value)) return [checkOne(topic, address, value)];
    if (value.length === 0 || value.length > READINGS_PER_MESSAGE_MAX) {
      return [
        rejected(
          null,
          'SCHEMA',
          `a batch holds 1 to ${READINGS_PER_MESSAGE_MAX} readings; this one holds ${value.length}`,
        ),
      ];
    }
    return value.map((item) => checkOne(topic, address, item));
  };
}
