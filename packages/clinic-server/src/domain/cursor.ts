import { ClinicError } from '../errors.js';

/**
 * Cursors are the sort key of the last item of a page, base64url-encoded: opaque to clients, cheap
 * for the store (a keyset `WHERE key > ?`, no OFFSET), and stable while rows are added.
 */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify([key]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  } catch {
    // falls through to the error below: a cursor we did not make
  }
  throw new ClinicError('VALIDATION', 'cursor: not a cursor this server gave out; start again without one', {
    field: 'cursor',
  });
}

/** Cuts `limit + 1` fetched rows into a page and its next cursor. */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  keyOf: (row: R) => string,
  map: (row: R) => T,
): { data: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return { data: kept.map(map), nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
