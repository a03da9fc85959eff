/** A problem with how the server was started (flags, config, a taken port): one line says what to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * A request the clinic record cannot do as asked: no such patient, a screening already finished, a
 * NIK registered twice. `code` is one of the API's stable error codes (`API_ERROR_CODES` in
 * @klinik-desa/protocol); the API turns it into an HTTP status.
 */
export class ClinicError extends Error {
  override readonly name = 'ClinicError';
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) =>
  new ClinicError('NOT_FOUND', `no ${what} with id ${JSON.stringify(id)}`);
