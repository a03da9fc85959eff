import type Database from 'better-sqlite3';

/**
 * The outbox file's tables: the queue (readings and screening requests in one order), the duplicate
 * keys that outlive it, and the lease. Outboxes written before screening requests were kept in them
 * hold readings only, and get the `kind` column with every row a reading.
 */
export function createOutboxSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL DEFAULT 'reading' CHECK (kind IN ('reading', 'open-screening', 'finish-screening')),
      dedupe_key TEXT,
      topic TEXT NOT NULL,
      payload TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'published', 'received', 'rejected')),
      attempts INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      last_attempt_at INTEGER,
      received_at INTEGER,
      reject_code TEXT,
      reject_message TEXT
    );
    CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, seq);
    -- Survives pruning of the readings themselves: a meter that dumps its memory again next week
    -- must still not create second copies.
    CREATE TABLE IF NOT EXISTS seen (
      dedupe_key TEXT PRIMARY KEY,
      reading_id TEXT NOT NULL,
      seen_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS lease (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      owner TEXT NOT NULL,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
  `);
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('outbox') as { name: string }[];
  if (!columns.some((c) => c.name === 'kind')) {
    db.exec(
      "ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'reading' CHECK (kind IN ('reading', 'open-screening', 'finish-screening'))",
    );
  }
  db.exec("CREATE INDEX IF NOT EXISTS outbox_requests ON outbox (seq) WHERE kind != 'reading'");
}
