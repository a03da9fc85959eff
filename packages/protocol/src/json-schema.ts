import { z } from 'zod';
import { KioskEvent } from './event.js';
import { Reading, ReadingBatch } from './reading.js';
import { ReceiptMessage } from './receipt.js';
import { KioskStatus } from './status.js';

/** The MQTT payloads, by the file name their JSON Schema is published under in docs/schemas/. */
export const MQTT_PAYLOADS = {
  reading: Reading,
  'reading-batch': ReadingBatch,
  receipts: ReceiptMessage,
  status: KioskStatus,
  event: KioskEvent,
} as const;
export type MqttPayloadName = keyof typeof MQTT_PAYLOADS;

const TITLES: Record<MqttPayloadName, string> = {
  reading: 'Reading: one normalized measurement (topic .../readings)',
  'reading-batch': 'Several readings in one message, oldest first (topic .../readings)',
  receipts: 'Receipts from the clinic for readings (topic .../receipts)',
  status: 'Kiosk status, retained; offline form is the last will (topic .../status)',
  event: 'Kiosk event (topic .../events)',
};

/**
 * JSON Schema (draft 2020-12) of one MQTT payload, generated from its zod schema so the two cannot
 * drift. Non-zod consumers (other languages, ajv in the ingest hot path) use these.
 */
export function jsonSchemaOf(name: MqttPayloadName): Record<string, unknown> {
  const schema = z.toJSONSchema(MQTT_PAYLOADS[name], {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  });
  return {
    $id: `https://klinik-desa.id/schemas/v1/${name}.schema.json`,
    title: TITLES[name],
    ...schema,
  };
}

export function allJsonSchemas(): Record<MqttPayloadName, Record<string, unknown>> {
  const out = {} as Record<MqttPayloadName, Record<string, unknown>>;
  for (const name of Object.keys(MQTT_PAYLOADS) as MqttPayloadName[]) out[name] = jsonSchemaOf(name);
  return out;
}
