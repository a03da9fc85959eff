import { AgentError } from './errors.js';

/** What a CLI command gets: its arguments and where to write. Commands return their exit code. */
export interface CommandIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export type Command = (argv: string[], io: CommandIo) => Promise<number> | number;

/** A one-line, human-readable reason for bad input; the CLI prints it and exits non-zero. */
export class UsageError extends AgentError {
  override readonly name = 'UsageError';
  override readonly code = 'USAGE';
  override readonly retryable = false;
}
