/** A problem with how the server was started (flags, config, a taken port): one line says what to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
