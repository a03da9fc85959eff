/** What a CLI command gets: its arguments and where to write. Commands return their exit code. */
export interface CommandIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export type Command = (argv: string[], io: CommandIo) => Promise<number> | number;

/** A one-line, human-readable reason for bad input; the CLI prints it and exits non-zero. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}
