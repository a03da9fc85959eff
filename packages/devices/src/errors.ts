/** Stable codes of every way a frame can fail to decode. Counted per device in the kiosk status. */
export const DECODE_ERROR_CODES = [
  /** The frame ends before a field its flags or its format announce. */
  'TRUNCATED',
  /** A frame grew past the framer's maximum size and was dropped. */
  'TOO_LONG',
  /** The frame's own checksum does not match its bytes. */
  'BAD_CHECKSUM',
  /** The bytes are not this protocol's format. */
  'BAD_FORMAT',
  /** A valid frame of a kind this driver does not turn into readings (another unit, another test). */
  'UNSUPPORTED',
  /** A number was required where the device sent an IEEE 11073 special value (NaN, NRes, ±INF). */
  'SPECIAL_VALUE',
  /** A valid frame that carries no reading: a header, a status line, a control character. */
  'NOT_A_MEASUREMENT',
  /** A frame out of order in a dialogue (a frame number skipped, a context with no measurement). */
  'OUT_OF_SEQUENCE',
  /** The device did not answer in time during a dialogue. */
  'TIMEOUT',
  /** A status field has a bit the specification reserves: the value's status is unknown. */
  'RESERVED_BITS',
  /** The device or the gateway answered with an error of its own. */
  'DEVICE_ERROR',
  'UNKNOWN_PROTOCOL',
] as const;
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

/**
 * A frame that could not become a measurement. Decoders throw nothing else: a garbled frame is
 * counted and logged by the agent and never stops it.
 *
 * It carries no stack trace: it is an expected outcome (a pulse oximeter streaming noise makes
 * dozens a second), the frame and the message say everything, and capturing a stack would make
 * a rejected frame cost ten times a decoded one.
 */
export class DecodeError extends Error {
  declare readonly name: 'DecodeError';
  readonly code: DecodeErrorCode;
  readonly protocol: string;

  constructor(code: DecodeErrorCode, protocol: string, message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${protocol}: ${message}`);
    Error.stackTraceLimit = limit;
    this.code = code;
    this.protocol = protocol;
  }
}
Object.defineProperty(DecodeError.prototype, 'name', { value: 'DecodeError', enumerable: false });

export function isDecodeError(value: unknown): value is DecodeError {
  return (
    value instanceof DecodeError ||
    (value instanceof Error && value.name === 'DecodeError' && 'code' in value)
  );
}

export const ENCODE_ERROR_CODES = [
  'WRONG_KIND',
  'UNSUPPORTED_UNIT',
  'OUT_OF_RANGE',
  'NOT_ENCODABLE',
] as const;
export type EncodeErrorCode = (typeof ENCODE_ERROR_CODES)[number];

/**
 * A measurement the device could not have sent (a blood-pressure reading given to a scale, a weight
 * too large for the field). Encoders are simulators: this is a bug in the test or the demo script.
 */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  readonly code: EncodeErrorCode;
  readonly protocol: string;

  constructor(code: EncodeErrorCode, protocol: string, message: string) {
    super(`${protocol}: ${message}`);
    this.code = code;
    this.protocol = protocol;
  }
}

export const DRIVER_ERROR_CODES = [
  'INVALID_DRIVER',
  'DUPLICATE_PROTOCOL',
  'PACKAGE_NOT_FOUND',
  'NO_DRIVERS_EXPORTED',
  /** The package was found but throws while it loads. */
  'IMPORT_FAILED',
  /** The package declares no driver API version, or one this package does not implement. */
  'INCOMPATIBLE_API',
] as const;
export type DriverErrorCode = (typeof DRIVER_ERROR_CODES)[number];

/** A driver that cannot be registered: the kiosk configuration names a package that is not a driver. */
export class DriverError extends Error {
  override readonly name = 'DriverError';
  readonly code: DriverErrorCode;

  constructor(code: DriverErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
