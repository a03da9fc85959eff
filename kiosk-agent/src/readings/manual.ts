import type { MeasurementRejectedError } from '@klinik-desa/screening';
import { VALUES, type ValueName } from '@klinik-desa/screening';
import { AgentError } from '../errors.js';
import type { ManualReadingCode } from '../page-messages/index.js';

/**
 * What the kiosk page needs to say a refused measurement in its own language: the value's name in
 * both languages and the number refused. The English message stays for logs.
 */
export interface RejectionDetails {
  value?: string;
  label?: { id: string; en: string };
  measured?: { value: number; unit: string };
}

export function rejectionDetails(error: MeasurementRejectedError): RejectionDetails {
  const label = error.value === undefined ? undefined : VALUES[error.value as ValueName]?.label;
  return {
    ...(error.value !== undefined ? { value: error.value } : {}),
    ...(label ? { label } : {}),
    ...(error.measured ? { measured: error.measured } : {}),
  };
}

/** The device of a value typed in on the kiosk page; the clinic record shows it as `manual`. */
export const MANUAL = { id: 'manual', protocol: 'manual' } as const;

/** A typed-in value the agent did not keep: not a measurement (400), or not a possible one (422). */
export class ManualReadingError extends AgentError {
  override readonly name = 'ManualReadingError';
  /** The worker must type another value: the same one is refused again. */
  override readonly retryable = false;
  constructor(
    readonly status: 400 | 422,
    /** `BAD_MEASUREMENT`, or the screening package's rejection code (`IMPLAUSIBLE`...). */
    override readonly code: ManualReadingCode,
    message: string,
    readonly details: RejectionDetails = {},
  ) {
    super(message);
  }
}
