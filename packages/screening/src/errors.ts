/** Stable codes of every way a device measurement can be refused as a patient reading. */
export const REJECTION_CODES = [
  /** A value no living person at a kiosk can have: a device or decoding fault, never a reading. */
  'IMPLAUSIBLE',
  /** A glucometer check with control solution: a test of the meter, not of the patient. */
  'CONTROL_SOLUTION',
  /** A unit the value cannot be converted from (a blood pressure in kg). */
  'UNSUPPORTED_UNIT',
  /** A specimen the screening thresholds do not apply to (interstitial fluid from a CGM). */
  'UNSUPPORTED_SPECIMEN',
  /** The device named a condition outside the device vocabulary (`DEVICE_ANNUNCIATIONS`). */
  'UNKNOWN_ANNUNCIATION',
  /** A limit (`>` / `<`) on a value no device reports limits for (a blood pressure, an SpO2). */
  'COMPARATOR_NOT_ALLOWED',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** Base class of every error this package throws or returns; `code` is stable, the message is not. */
export class ScreeningError extends Error {
  override readonly name: string = 'ScreeningError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * A measurement that must not become a patient reading. Returned (not thrown) by `normalize`, so the
 * kiosk can show the reason and count it without a try/catch around every frame.
 */
export class MeasurementRejectedError extends ScreeningError {
  override readonly name = 'MeasurementRejectedError';
  declare readonly code: RejectionCode;
  /** The value name the rejection is about (`systolic`, `glucose`...), when it is about one. */
  readonly value: string | undefined;
  /** The number that was refused, in the unit named beside it, when there is one. */
  readonly measured: { value: number; unit: string } | undefined;

  constructor(
    code: RejectionCode,
    message: string,
    details: { value?: string; measured?: { value: number; unit: string } } = {},
  ) {
    super(code, message);
    this.value = details.value;
    this.measured = details.measured;
  }
}

/** A caller mistake in options or context (an unknown time zone, an unparsable date): thrown at once. */
export class ScreeningOptionError extends ScreeningError {
  override readonly name = 'ScreeningOptionError';
  declare readonly code: 'BAD_OPTION';

  constructor(message: string) {
    super('BAD_OPTION', message);
  }
}

/** A screening that cannot be mapped to FHIR (no readings, a status history out of order...). */
export class FhirMappingError extends ScreeningError {
  override readonly name = 'FhirMappingError';
  declare readonly code: 'INVALID_SCREENING';
  /** Dotted path of the offending input field, e.g. `encounter.statusHistory[1].start`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super('INVALID_SCREENING', `${path}: ${message}`);
    this.path = path;
  }
}

export function isScreeningError(value: unknown): value is ScreeningError {
  return value instanceof ScreeningError;
}
