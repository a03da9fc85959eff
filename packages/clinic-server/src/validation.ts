import { jsonSchemaOf, parseTopic, type Reading, type Receipt } from '@klinik-desa/protocol';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The largest reading payload accepted; a real one is under 2 kB. */
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

/**
 * Checks one reading payload against the JSON Schema generated from the protocol's zod schema (ajv
 * compiles it to a fast validator), and against the topic it came on: a kiosk may only publish
 * readings of its own clinic and kiosk.
 */
export function createReadingChecker(): (topic: string, payload: Uint8Array) => Checked {
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile<Reading>(jsonSchemaOf('reading'));
  const decoder = new TextDecoder('utf-8', { fatal: true });

  return (topic, payload) => {
    const idOf = (value: unknown): string | null => {
      const id = (value as { id?: unknown } | null)?.id;
      return typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) ? id : null;
    };
    if (payload.byteLength > MAX_READING_BYTES) {
      return {
        ok: false,
        receipt: {
          readingId: null,
          status: 'rejected',
          code: 'TOO_LARGE',
          message: `payload is ${payload.byteLength} bytes; the limit is ${MAX_READING_BYTES}`,
        },
      };
    }
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(payload));
    } catch (error) {
      return {
        ok: false,
        receipt: {
          readingId: null,
          status: 'rejected',
          code: 'INVALID_JSON',
          message: (error as Error).message.slice(0, 200),
        },
      };
    }
    if (!validate(value)) {
      return {
        ok: false,
        receipt: {
          readingId: idOf(value),
          status: 'rejected',
          code: 'SCHEMA',
          message: describe(validate.errors),
        },
      };
    }
    const address = parseTopic(topic);
    if (!address || address.clinicId !== value.clinicId || address.kioskId !== value.kioskId) {
      return {
        ok: false,
        receipt: {
          readingId: value.id,
          status: 'rejected',
          code: 'WRONG_TOPIC',
          message: `reading of ${value.clinicId}/${value.kioskId} published on ${topic}`,
        },
      };
    }
    return { ok: true, reading: value };
  };
}
