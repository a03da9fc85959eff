/**
 * Versioned schema changes, applied in order on start. A migration is never edited after it has
 * shipped: a change is a new entry, so every clinic's database can be brought forward.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'readings',
    sql: `
      CREATE TABLE readings (
        id TEXT PRIMARY KEY,
        clinic_id TEXT NOT NULL,
        kiosk_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        session_id TEXT,
        patient_id TEXT,
        measured_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        body TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX readings_by_kiosk ON readings (clinic_id, kiosk_id, id);
      CREATE INDEX readings_by_session ON readings (session_id) WHERE session_id IS NOT NULL;
    `,
  },
];
