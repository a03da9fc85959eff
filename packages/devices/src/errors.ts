/** Stable codes of every way a frame can fail to decode. Counted per device in the kiosk status. */
export const DECODE_ERROR_CODES = [
  'TRUNCATED',
  'TOO_LONG',
  'BAD_CHECKSUM',
  'BAD_FORMAT',
  'UNSUPPORTED',
  'SPECIAL_VALUE',
  'UNKNOWN_PROTOCOL',
] as const;
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

/**
 * A frame that could not become a measurement. Decoders throw nothing else: a garbled frame is
 * counted and logged by the agent and never stops it.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly code: DecodeErrorCode;
  readonly protocol: string;

  constructor(code: DecodeErrorCode, protocol: string, message: string) {
    super(`${protocol}: ${message}`);
    this.code = code;
    this.protocol = protocol;
  }
}

export function isDecodeError(value: unknown): value is DecodeError {
  return (
    value instanceof DecodeError ||
    (value instanceof Error && value.name === 'DecodeError' && 'code' in value)
  );
}
