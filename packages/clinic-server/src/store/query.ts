import { chunk, type SqlExecutor, type SqlValue, valuesList } from './sql.js';

/** Collects `AND col = ?` filters for the given values that are set. */
export function where(filters: [string, SqlValue | undefined][]): { sql: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  for (const [clause, value] of filters) {
    if (value === undefined) continue;
    parts.push(clause);
    params.push(value);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

/** SQLite's and PostgreSQL's words for a UNIQUE constraint that refused a row. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/**
 * Inserts rows; resolves with the first column (the id) of each row actually inserted. SQLite runs
 * one prepared single-row statement per row (no parse per batch); PostgreSQL gets multi-row
 * statements, one round trip per ~2,000 rows (measured faster than `unnest` of arrays, whose text
 * escaping of the JSON bodies costs more than the extra parameters).
 */
export async function insertMany(
  tx: SqlExecutor,
  head: string,
  conflict: string,
  rows: readonly (readonly SqlValue[])[],
): Promise<Set<string>> {
  const inserted = new Set<string>();
  const first = rows[0];
  if (!first) return inserted;
  const columns = first.length;
  if (tx.runEach) {
    const changes = tx.runEach(`${head} VALUES ${valuesList(1, columns)} ${conflict}`, rows);
    rows.forEach((row, i) => {
      if (changes[i] === 1) inserted.add(String(row[0]));
    });
    return inserted;
  }
  for (const part of chunk(rows, columns)) {
    const found = await tx.all<{ id: string }>(
      `${head} VALUES ${valuesList(part.length, columns)} ${conflict} RETURNING id`,
      part.flat(),
    );
    for (const row of found) inserted.add(row.id);
  }
  return inserted;
}
