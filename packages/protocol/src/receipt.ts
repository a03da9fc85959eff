import { z } from 'zod';
import { ReadingId } from './ids.js';
import { DateTime } from './time.js';

export const ReceiptStatus = z.enum(['stored', 'duplicate', 'rejected']);
export type ReceiptStatus = z.infer<typeof ReceiptStatus>;

/**
 * The clinic's answer for one reading. `stored` and `duplicate` both mean "it is in the record":
 * the kiosk may forget it. `rejected` means it never will be, and says why.
 */
export const Receipt = z
  .object({
    /** `null` only when the payload was too broken to find its id. */
    readingId: ReadingId.nullable(),
    status: ReceiptStatus,
    /** For `rejected`: a stable code (`INVALID_JSON`, `SCHEMA`, `TOO_LARGE`, `WRONG_TOPIC`...). */
    code: z.string().optional(),
    message: z.string().max(1000).optional(),
  })
  .strict();
export type Receipt = z.infer<typeof Receipt>;

/**
 * The payload on a kiosk's receipts topic: receipts are batched, one per reading (or one without an
 * id for a message the clinic could not read). A kiosk matches them by `readingId`, not by
 * position: rejections found on arrival come before the readings committed with them.
 */
export const ReceiptMessage = z
  .object({
    receipts: z.array(Receipt).min(1).max(10_000),
    at: DateTime,
  })
  .strict();
export type ReceiptMessage = z.infer<typeof ReceiptMessage>;
