/** The device of a value typed in on the kiosk page; the clinic record shows it as `manual`. */
export const MANUAL = { id: 'manual', protocol: 'manual' } as const;

/** A typed-in value the agent did not keep: not a measurement (400), or not a possible one (422). */
export class ManualReadingError extends Error {
  override readonly name = 'ManualReadingError';
  constructor(
    readonly status: 400 | 422,
    /** `BAD_MEASUREMENT`, or the screening package's rejection code (`IMPLAUSIBLE`...). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
