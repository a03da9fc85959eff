import { type ClinicAccess, grantOf } from '../domain/access.js';

/**
 * `AND (...)` over a JSON grant column (`"*"`, a list of clinic ids, or `{"puskesmasId": …}`): the
 * rows that act for at least one of `access`'s clinics, or for the caller's own puskesmas.
 */
export function grantCondition(access: ClinicAccess, column: string): { sql: string; params: string[] } {
  if (access.all) return { sql: '', params: [] };
  // Clinic ids are letters, digits, '-' and '_': `"id"` in the JSON list matches that id only.
  const parts = access.clinicIds.map(() => `${column} LIKE ? ESCAPE '\\'`);
  // `_` is a LIKE wildcard and may be in a clinic id: escaped, it matches only itself.
  const params = access.clinicIds.map((id) => `%"${id.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`);
  if (access.puskesmasId !== undefined) {
    parts.push(`${column} = ?`);
    params.push(JSON.stringify(grantOf(access)));
  }
  if (parts.length === 0) return { sql: ' AND 1 = 0', params: [] };
  return { sql: ` AND (${parts.join(' OR ')})`, params };
}
