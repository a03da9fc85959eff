import { z } from 'zod';
import { DateTime } from '../time.js';
import { ClinicGrant, ROLE_SCOPES, type Scope } from './auth.js';
import { displayName } from './names.js';

/** What a person does: the role bounds the scopes of their sessions (ACCOUNT_ROLE_SCOPES). */
export const AccountRole = z.enum(['operator', 'puskesmas-staff', 'clinic-staff']);
export type AccountRole = z.infer<typeof AccountRole>;

/**
 * The scopes each person's role has. An operator runs kiosks and clinics (everything an
 * administrator client may do); puskesmas staff supervise (read, and answer referrals); clinic
 * staff do the clinic's daily work. Which clinics each reaches is the account's `clinics`.
 */
export const ACCOUNT_ROLE_SCOPES: Readonly<Record<AccountRole, readonly Scope[]>> = {
  operator: [
    'patient.read',
    'screening.read',
    'observation.read',
    'referral.read',
    'practitioner.read',
    'kiosk.read',
    'kiosk.admin',
    'client.admin',
    'audit.read',
    'clinic.read',
    'clinic.admin',
    'report.read',
  ],
  'puskesmas-staff': [
    'patient.read',
    'screening.read',
    'observation.read',
    'referral.read',
    'referral.write',
    'practitioner.read',
    'kiosk.read',
    'clinic.read',
    // The quarterly counts the puskesmas brings to its cross-sector meeting.
    'report.read',
  ],
  // A partner app's work, done by a person at the clinic: with triage and the kiosks, without the FHIR Bundle.
  'clinic-staff': [
    ...ROLE_SCOPES.partner.filter((scope) => scope !== 'fhir.read'),
    'reading.triage',
    'kiosk.read',
    'clinic.read',
  ],
};

/** Lower-case letters, digits, '.', '_' and '-': what a person types the same way every time. */
export const Username = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,63}$/,
    'use 2-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

export const AccountCreate = z
  .object({
    username: Username,
    displayName: displayName(),
    role: AccountRole,
    /** Within the creating administrator's own clinics, as for API clients. */
    clinics: ClinicGrant,
    /** At least 12 characters; kept only as a scrypt hash. */
    password: z.string().min(12, 'use at least 12 characters').max(512),
  })
  .strict()
  .meta({ id: 'AccountCreate' });
export type AccountCreate = z.infer<typeof AccountCreate>;

export const Account = z
  .object({
    username: z.string(),
    displayName: z.string(),
    role: AccountRole,
    clinics: z.union([z.literal('*'), z.array(z.string()), z.object({ puskesmasId: z.string() }).strict()]),
    createdAt: DateTime,
    /** When an operator disabled it (it signs in no more, its sessions have ended); null while it works. */
    disabledAt: DateTime.nullable(),
  })
  .strict()
  .meta({ id: 'Account' });
export type Account = z.infer<typeof Account>;

const NewPassword = z.string().min(12, 'use at least 12 characters').max(512);

/** An operator sets a person's password; every session of the account ends. */
export const AccountPasswordSet = z
  .object({ password: NewPassword })
  .strict()
  .meta({ id: 'AccountPasswordSet' });
export type AccountPasswordSet = z.infer<typeof AccountPasswordSet>;

/** A person changes their own password with the one they have; their other sessions end. */
export const OwnPasswordChange = z
  .object({ oldPassword: z.string().min(1).max(512), newPassword: NewPassword })
  .strict()
  .meta({ id: 'OwnPasswordChange' });
export type OwnPasswordChange = z.infer<typeof OwnPasswordChange>;

export const AccountPathParams = z.object({ username: Username }).strict();

export const SignInRequest = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(512) })
  .strict()
  .meta({ id: 'SignInRequest' });
export type SignInRequest = z.infer<typeof SignInRequest>;

/** A session: also set as the HttpOnly cookie `kd_session`; send it as a Bearer token from a script. */
export const SignInResponse = z
  .object({
    sessionToken: z.string(),
    account: Account,
    /** When the session ends whatever happens; it ends earlier when unused for `idleSeconds`. */
    expiresAt: DateTime,
    idleSeconds: z.number().int().positive(),
  })
  .strict()
  .meta({ id: 'SignInResponse' });
export type SignInResponse = z.infer<typeof SignInResponse>;
