import Database from 'better-sqlite3';

/** The ids of the readings a SQLite clinic record holds, read beside the running server. */
export function storedReadingIds(db: string): string[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return (sqlite.prepare('SELECT id FROM readings').all() as { id: string }[]).map((r) => r.id);
  } finally {
    sqlite.close();
  }
}
