import type { Reading } from '@klinik-desa/protocol';

export type InsertOutcome = 'stored' | 'duplicate';

/** The clinic record. One interface; SQLite by default, PostgreSQL where a district scales. */
export interface ClinicStore {
  /**
   * Stores a batch in one transaction, idempotently by reading id: a reading already in the record
   * is reported as `duplicate` and left as it was. Outcomes come back in input order.
   */
  insertReadings(readings: readonly Reading[]): Promise<InsertOutcome[]>;
  /** Every stored reading, oldest id first. */
  exportReadings(): AsyncIterable<Reading>;
  countReadings(): Promise<number>;
  close(): Promise<void>;
}
