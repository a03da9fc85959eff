import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout, one per event, for journald and log shippers. */
export function createLogger(
  level: string = process.env['LOG_LEVEL'] ?? 'info',
  name = 'clinic-server',
): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ dest: 1, sync: true }));
}
