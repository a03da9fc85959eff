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

const SEVERITY_RANK = { urgent: 0, refer: 1 } as const;

export async function referralsToday(
  client: ClinicClient,
  options: ReferralsTodayOptions = {},
): Promise<ReferralRow[]> {
  const timeZone = options.timeZone ?? 'Asia/Jakarta';
  const today = localDate(options.now ?? new Date(), timeZone);
  // The API has no date filter on referrals (they list oldest first), so every open one is walked
  // and today's are kept: a clinic has tens of open referrals, not thousands.
  const todays: Referral[] = [];
  for await (const referral of client.referrals.list({
    status: 'open',
    clinicId: options.clinicId,
    limit: 200,
  })) {
    if (localDate(new Date(referral.createdAt), timeZone) === today) todays.push(referral);
  }
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
