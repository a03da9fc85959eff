import { AgentError } from '../errors.js';

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
    override readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
