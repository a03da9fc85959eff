import type { ClinicGrant } from '@klinik-desa/protocol';
import { ClinicError } from '../errors.js';

/**
 * The clinics a caller may read and change. Every identity has one: a kiosk its own clinic, a
 * partner or an administrator the clinics it was granted (or every clinic, when granted `"*"`
 * explicitly), the server's own work (ingest, the forwarder) every clinic. Store queries take it
 * and filter by it, so a row of another clinic is never read, whatever the route forgot.
 */
export type ClinicAccess =
  | { readonly all: true }
  | {
      readonly all: false;
      readonly clinicIds: readonly string[];
      /**
       * Granted a puskesmas: `clinicIds` are the clinics it supervised when the request was checked
       * (resolveAccess), none before. Unresolved, such an access reaches nothing.
       */
      readonly puskesmasId?: string;
    };

/** The server's own work: ingest, the forwarder, the CLI run by the operator on the server. */
export const EVERY_CLINIC: ClinicAccess = { all: true };

export function accessOf(grant: ClinicGrant): ClinicAccess {
  if (grant === '*') return EVERY_CLINIC;
  if (!Array.isArray(grant)) return { all: false, clinicIds: [], puskesmasId: grant.puskesmasId };
  return { all: false, clinicIds: [...new Set(grant)] };
}

export function grantOf(access: ClinicAccess): ClinicGrant | [] {
  if (access.all) return '*';
  if (access.puskesmasId !== undefined) return { puskesmasId: access.puskesmasId };
  return [...access.clinicIds];
}

/**
 * A puskesmas grant made concrete: the clinics the puskesmas supervises now, asked of the record at
 * each request, so a clinic put under the puskesmas later is reached without a new token.
 */
export async function resolveAccess(
  access: ClinicAccess,
  clinicsOf: (puskesmasId: string) => Promise<readonly string[]>,
): Promise<ClinicAccess> {
  if (access.all || access.puskesmasId === undefined) return access;
  return { all: false, clinicIds: await clinicsOf(access.puskesmasId), puskesmasId: access.puskesmasId };
}

export function canActFor(access: ClinicAccess, clinicId: string): boolean {
  return access.all || access.clinicIds.includes(clinicId);
}

/** True when every clinic of `inner` is one of `outer`'s. */
export function covers(outer: ClinicAccess, inner: ClinicAccess): boolean {
  if (outer.all) return true;
  if (inner.all) return false;
  // A puskesmas grant reaches whatever clinics the puskesmas gets later: only its own puskesmas
  // (or every clinic) covers it, never a list that happens to match today.
  if (inner.puskesmasId !== undefined) return outer.puskesmasId === inner.puskesmasId;
  return inner.clinicIds.every((c) => outer.clinicIds.includes(c));
}

/** FORBIDDEN, naming the clinic: for a clinic id the caller itself put in a request. */
export function checkClinic(access: ClinicAccess, clinicId: string): void {
  if (!canActFor(access, clinicId)) {
    throw new ClinicError(
      'FORBIDDEN',
      `these credentials may not act for clinic ${clinicId}: ask an administrator of that clinic for a client granted it`,
      { clinicId },
    );
  }
}

/**
 * The one clinic a request acts for: the clinic named, which must be the caller's, or the caller's
 * only clinic. A caller of several clinics must say which.
 */
export function clinicFor(access: ClinicAccess, named: string | undefined, field = 'clinicId'): string {
  if (named !== undefined) {
    checkClinic(access, named);
    return named;
  }
  if (!access.all && access.clinicIds.length === 1) return access.clinicIds[0]!;
  throw new ClinicError(
    'VALIDATION',
    `body.${field}: these credentials act for several clinics; name the clinic this is for`,
  );
}

/**
 * `AND <column> IN (...)` for a SQL query, nothing for every clinic, and a condition that holds for
 * no row when the caller has no clinic at all.
 */
export function clinicCondition(access: ClinicAccess, column: string): { sql: string; params: string[] } {
  if (access.all) return { sql: '', params: [] };
  if (access.clinicIds.length === 0) return { sql: ' AND 1 = 0', params: [] };
  return {
    sql: ` AND ${column} IN (${access.clinicIds.map(() => '?').join(', ')})`,
    params: [...access.clinicIds],
  };
}

/** A caller grants only clinics of its own: an administrator of one clinic cannot make a national client. */
export function checkGrant(caller: ClinicAccess, granted: ClinicAccess): void {
  if (!covers(caller, granted)) {
    throw new ClinicError(
      'FORBIDDEN',
      granted.all
        ? 'only an administrator of every clinic may grant every clinic ("*")'
        : granted.puskesmasId !== undefined
          ? `only an administrator of every clinic, or of puskesmas ${granted.puskesmasId}, may grant that puskesmas`
          : `these credentials may not grant clinic(s) ${granted.clinicIds.filter((c) => !caller.all && !caller.clinicIds.includes(c)).join(', ')}: grant only your own clinics`,
    );
  }
}
