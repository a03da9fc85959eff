// Today's open referrals of a clinic, for the puskesmas that receives them: urgent first, each
// with its patient. Built only on the public API of @klinik-desa/sdk.
import type { ClinicClient, Patient, Referral } from '@klinik-desa/sdk';

export interface ReferralRow {
  referral: Referral;
  /** `null` when the reading was taken with no patient chosen (an unassigned reading). */
  patient: Patient | null;
}

export interface ReferralsTodayOptions {
  /** Only this clinic's referrals (all the client may see when left out). */
  clinicId?: string | undefined;
  /** Whose "today": Asia/Jakarta (WIB) unless told Asia/Makassar (WITA) or Asia/Jayapura (WIT). */
  timeZone?: string | undefined;
  now?: Date | undefined;
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/**
 * The start of a calendar day in a time zone, written with the zone's offset
 * (`2026-11-23T00:00:00+07:00`). The offset is the one at noon that day: Indonesia's three zones
 * keep one offset all year, so for them it is exact.
 */
export function midnight(day: string, timeZone: string): string {
  const zoneName =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(`${day}T12:00:00Z`))
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  return `${day}T00:00:00${zoneName === 'GMT' ? '+00:00' : zoneName.slice(3)}`;
}

/** The calendar day after `day` (YYYY-MM-DD). */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

const SEVERITY_RANK = { urgent: 0, refer: 1 } as const;

export async function referralsToday(
  client: ClinicClient,
  options: ReferralsTodayOptions = {},
): Promise<ReferralRow[]> {
  const timeZone = options.timeZone ?? 'Asia/Jakarta';
  const today = localDate(options.now ?? new Date(), timeZone);
  // The server keeps only the day's referrals: from this midnight to the next, in the clinic's zone.
  const todays = await client.referrals
    .list({
      status: 'open',
      clinicId: options.clinicId,
      from: midnight(today, timeZone),
      to: midnight(nextDay(today), timeZone),
      limit: 200,
    })
    .toArray();
  // One lookup per patient, however many referrals they have.
  const patients = new Map<string, Promise<Patient>>();
  const rows = await Promise.all(
    todays.map(async (referral) => {
      const id = referral.patientId;
      if (id === null) return { referral, patient: null };
      if (!patients.has(id)) patients.set(id, client.patients.retrieve(id));
      return { referral, patient: await patients.get(id)! };
    }),
  );
  return rows.sort(
    (a, b) =>
      SEVERITY_RANK[a.referral.severity] - SEVERITY_RANK[b.referral.severity] ||
      a.referral.createdAt.localeCompare(b.referral.createdAt),
  );
}

/** Age in whole years on `on`. */
export function age(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const years = on.getUTCFullYear() - y;
  const beforeBirthday = on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d);
  return beforeBirthday ? years - 1 : years;
}

/** The rows as the dashboard prints them, one line each, in Bahasa Indonesia. */
export function formatRows(rows: ReferralRow[], options: { timeZone: string; now: Date }): string[] {
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: options.timeZone,
    hour: '2-digit',
    minute: '2-digit',
  });
  return rows.map(({ referral, patient }) => {
    const who = patient
      ? `${patient.name} (${patient.sex === 'female' ? 'P' : 'L'}, ${age(patient.birthDate, options.now)} th)`
      : '(tanpa pasien)';
    const about = referral.flag.value ? `${referral.flag.code} (${referral.flag.value})` : referral.flag.code;
    return `${referral.severity.toUpperCase().padEnd(7)} ${time.format(new Date(referral.createdAt))}  ${who.padEnd(34)} ${referral.kioskId.padEnd(10)} ${about}`;
  });
}
