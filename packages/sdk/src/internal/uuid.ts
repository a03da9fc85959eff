/**
 * A random UUIDv4 for idempotency keys. `crypto.randomUUID` would do, but browsers offer it only
 * in secure contexts, and a kiosk page served over plain http on the clinic's LAN is not one;
 * `crypto.getRandomValues` is available everywhere.
 */
export function randomUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
