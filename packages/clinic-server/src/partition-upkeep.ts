import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import { isPostgresUrl } from './store/open.js';
import type { ReadingPartitionStore } from './store/readings-partitions.js';

/** Once a day: months are made three ahead, so a missed turn or two costs nothing. */
export const PARTITION_UPKEEP_EVERY_MS = 24 * 3600 * 1000;

/**
 * Makes the coming months' readings partitions and, with `keepMonths`, drops the months past
 * their keeping time: at start and every `everyMs`. On SQLite it does nothing. A failure is
 * logged and tried again at the next turn (a reading whose month has no partition still lands in
 * the default one); the returned function stops the timer and waits for a turn under way.
 */
export function startPartitionUpkeep(
  store: ReadingPartitionStore,
  log: Logger,
  options: { everyMs?: number; keepMonths?: number | undefined } = {},
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const turn = () => {
    running = store
      .upkeepReadingPartitions(new Date(), { keepMonths: options.keepMonths })
      .then(({ created, dropped, deferred }) => {
        if (deferred.length > 0)
          log.warn(
            { deferred },
            `readings partitions left for the next turn, their table's lock held by a long read: ${deferred.join(', ')}`,
          );
        if (created.length > 0) log.info({ created }, `made readings partitions ${created.join(', ')}`);
        // Each drop is also a line of the audit log, written in the same transaction.
        if (dropped.length > 0)
          log.warn(
            { dropped, keepMonths: options.keepMonths },
            `dropped readings partitions past readingsKeepMonths (${options.keepMonths}): ${dropped.join(', ')}`,
          );
      })
      .catch((error: unknown) => log.error({ err: error }, 'readings partition upkeep failed'));
  };
  turn();
  const timer = setInterval(turn, options.everyMs ?? PARTITION_UPKEEP_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** `readingsKeepMonths` names a PostgreSQL record's monthly partitions: a SQLite record has none. */
export function refuseRetentionWithoutPartitions(db: string, keepMonths: number | undefined): void {
  if (keepMonths !== undefined && !isPostgresUrl(db)) {
    throw new ConfigError(
      'CONFIG',
      'readingsKeepMonths drops whole monthly partitions, which only the PostgreSQL record has: remove it, or use a postgres:// db',
    );
  }
}
