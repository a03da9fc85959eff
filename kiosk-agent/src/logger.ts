import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout. Patient identifiers never go into logs: readings are logged by id, kind
 * and device only.
 */
export function createLogger(level: string = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino(
    { name: 'kiosk-agent', level, base: { pid: process.pid } },
    pino.destination({ dest: 1, sync: true }),
  );
}
