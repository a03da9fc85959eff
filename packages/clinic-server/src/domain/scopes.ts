import { type ClientRole, ROLE_SCOPES, Scope } from '@klinik-desa/protocol';
import { ClinicError } from '../errors.js';

/**
 * The scopes a token gets: what the client asked for, each of which its role must allow; all of the
 * role's scopes when it asked for none.
 */
export function grantScopes(role: ClientRole, requested: string | undefined): Scope[] {
  const allowed = ROLE_SCOPES[role];
  if (requested === undefined || requested.trim() === '') return [...allowed];
  const asked = [...new Set(requested.trim().split(/\s+/))];
  const unknown = asked.filter((s) => !Scope.safeParse(s).success);
  if (unknown.length > 0) {
    throw new ClinicError('INVALID_SCOPE', `unknown scope(s): ${unknown.join(', ')}`);
  }
  const refused = asked.filter((s) => !allowed.includes(s as Scope));
  if (refused.length > 0) {
    throw new ClinicError('INVALID_SCOPE', `a ${role} client may not have scope(s): ${refused.join(', ')}`);
  }
  return asked as Scope[];
}
