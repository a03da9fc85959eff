import { ApiError, KioskCredentials, Patient, QuarterlyReport, Screening } from '@klinik-desa/protocol';
import { zoneSpec } from '@klinik-desa/screening';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quarterOf } from '../../report/index.js';
import type { SqlClinicStore } from '../../store/sql-store.js';
import { openSqliteStore } from '../../store/sqlite-store.js';
import { buildTestApi, signedInClient, signIn } from '../../testing/api-sign-in.js';
import { bpReading } from '../../testing/fixtures.js';
import type { ApiApp } from '../app.js';
import { ReferralPage } from './shared.js';

const WIB = zoneSpec({ timeZone: 'Asia/Jakarta' });
let store: SqlClinicStore;
let app: ApiApp;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  app = await buildTestApi(store, {
    screening: { timeZone: 'Asia/Jakarta' },
    report: { villages: { 'clinic-a': 'Sukamaju', 'clinic-b': 'Sukamaju' } },
  });
});

afterEach(async () => {
  await app.close();
  await store.close();
});

const get = (bearer: string, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}`, ...headers } });
const post = (bearer: string, url: string, payload: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${bearer}` },
    payload: payload as object,
  });

function expectError(r: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(r.statusCode, JSON.stringify(r.json())).toBe(status);
  expect(ApiError.parse(r.json()).code).toBe(code);
  return ApiError.parse(r.json());
}

/** A patient registered and screened at `clinicId` now, through the API; the screening. */
async function screened(
  admin: string,
  clinicId: string,
  n: number,
  birthDate: string,
  sex: 'male' | 'female',
) {
  const patient = Patient.parse(
    (await post(admin, '/patients', { name: `Warga Desa ${n}`, birthDate, sex, clinicId })).json(),
  );
  const r = await post(admin, '/screenings', { patientId: patient.id, clinicId, kioskId: 'kiosk-1' });
  expect(r.statusCode, r.body).toBe(201);
  return Screening.parse(r.json());
}

/**
 * Clinic A (village Sukamaju): six women of 40–59 and one man of 18–29 screened this month, two
 * of the women flagged for grade 1 hypertension by the kiosk (two referrals; one acknowledged).
 * Clinic B (also Sukamaju): five women of 40–59.
 */
async function seed() {
  const admin = await signedInClient(app, store, 'admin', 'admin.1', '*');
  for (const clinicId of ['clinic-a', 'clinic-b']) {
    const r = await post(admin, '/kiosks', { clinicId, kioskId: 'kiosk-1' });
    KioskCredentials.parse(r.json());
  }
  const women = [];
  for (let n = 0; n < 6; n++) women.push(await screened(admin, 'clinic-a', n, '1975-01-01', 'female'));
  await screened(admin, 'clinic-a', 6, '2000-01-01', 'male');
  for (let n = 7; n < 12; n++) await screened(admin, 'clinic-b', n, '1975-01-01', 'female');
  await store.ingestReadings(
    women
      .slice(0, 2)
      .map((s) =>
        bpReading({ clinicId: 'clinic-a', kioskId: 'kiosk-1', sessionId: s.id }, [
          { code: 'bp.grade-1', severity: 'refer' },
        ]),
      ),
  );
  const referrals = ReferralPage.parse((await get(admin, '/referrals?clinicId=clinic-a')).json()).data;
  expect(referrals).toHaveLength(2);
  expect((await post(admin, `/referrals/${referrals[0]!.id}/acknowledge`, {})).statusCode).toBe(200);
  return admin;
}

const now = () => quarterOf(new Date(), WIB);
const monthRow = () => now().months.indexOf(new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7));

describe('GET /reports/quarterly', () => {
  it("counts the caller's clinics by month, age band and sex, flags and referrals, with <5 and x", async () => {
    const admin = await seed();
    const partner = await signedInClient(app, store, 'partner', 'partner.a', ['clinic-a']);
    const r = await get(partner, `/reports/quarterly?quarter=${now().label}`);
    expect(r.statusCode, r.body).toBe(200);
    const report = QuarterlyReport.parse(r.json());
    expect(report.clinics.map((c) => c.clinicId)).toEqual(['clinic-a']);
    // One clinic of the village is the caller's: no village sum, which would mix in clinic B.
    expect(report.villages).toEqual([]);
    const a = report.clinics[0]!;
    const col = (key: string) => a.screenings.columns.findIndex((c) => c.key === key);
    const m = monthRow();
    // By hand: the man (1) is alone in the month's row, so the women (6) are hidden beside him;
    // their column then has only zeros and its total, so the total (6) is hidden; the month's
    // total 7 and the quarter's 7 stay, each the sum of two hidden counts.
    expect(a.screenings.cells[m]![col('18-29|male')]).toBe('<5');
    expect(a.screenings.cells[m]![col('40-59|female')]).toBe('x');
    expect(a.screenings.rowTotals![m]).toBe(7);
    expect(a.screenings.columnTotals![col('18-29|male')]).toBe('<5');
    expect(a.screenings.columnTotals![col('40-59|female')]).toBe('x');
    expect(a.screenings.total).toBe(7);
    expect(a.flags.cells[0]).toEqual([0, '<5']);
    expect(a.flags.rowTotals).toEqual(['<5', 0, 0, 0, 0, 0]);
    expect(a.referrals.cells).toEqual([['<5', '<5']]);
    expect(a.referrals.rowTotals).toEqual(['<5']);
    expect(r.body).not.toMatch(/Warga|1975|2000-01-01/);

    // The administrator of both clinics gets the village: 12 people, 11 women hidden beside the
    // man, clinic B's 5 women shown (11 = 6 + 5 keeps two unknowns).
    const all = QuarterlyReport.parse((await get(admin, `/reports/quarterly?quarter=${now().label}`)).json());
    expect(all.clinics.map((c) => c.clinicId)).toEqual(['clinic-a', 'clinic-b']);
    expect(all.clinics[1]!.screenings.cells[m]![col('40-59|female')]).toBe(5);
    expect(all.villages).toHaveLength(1);
    expect(all.villages[0]).toMatchObject({ village: 'Sukamaju', clinicIds: ['clinic-a', 'clinic-b'] });
    expect(all.villages[0]!.screenings.cells[m]![col('40-59|female')]).toBe('x');
    expect(all.villages[0]!.screenings.total).toBe(12);
  });

  it("refuses another clinic's report to an attacker, and reports its own only", async () => {
    await seed();
    const attacker = await signedInClient(app, store, 'partner', 'partner.b', ['clinic-b']);
    const denied = expectError(
      await get(attacker, `/reports/quarterly?quarter=${now().label}&clinicId=clinic-a`),
      403,
      'FORBIDDEN',
    );
    expect(denied.message).toContain('clinic-a');
    expectError(
      await get(attacker, `/laporan/triwulan?quarter=${now().label}&clinicId=clinic-a`),
      403,
      'FORBIDDEN',
    );
    const own = QuarterlyReport.parse(
      (await get(attacker, `/reports/quarterly?quarter=${now().label}`)).json(),
    );
    expect(own.clinics.map((c) => c.clinicId)).toEqual(['clinic-b']);
    expect(own.villages).toEqual([]);
    const csv = (await get(attacker, `/reports/quarterly?quarter=${now().label}&format=csv`)).body;
    expect(csv).not.toContain('clinic-a');
    // A kiosk's credentials have no report.read, nor has a token that asked for fewer scopes.
    const admin = await signedInClient(app, store, 'admin', 'admin.2', '*');
    const creds = KioskCredentials.parse(
      (await post(admin, '/kiosks', { clinicId: 'clinic-b', kioskId: 'kiosk-2' })).json(),
    );
    const kiosk = await signIn(app, creds.clientId, creds.clientSecret);
    expectError(await get(kiosk, `/reports/quarterly?quarter=${now().label}`), 403, 'FORBIDDEN');
    const narrow = await signIn(app, 'partner.b', 'partner.b-secret', 'referral.read');
    expectError(await get(narrow, `/reports/quarterly?quarter=${now().label}`), 403, 'FORBIDDEN');
    expectError(
      await app.inject({ method: 'GET', url: `/reports/quarterly?quarter=${now().label}` }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('answers 400 to a malformed or future quarter, naming the quarter to ask for', async () => {
    const admin = await signedInClient(app, store, 'admin', 'admin.1', '*');
    const bad = expectError(await get(admin, '/reports/quarterly?quarter=2026-Q5'), 400, 'VALIDATION');
    expect(bad.message).toContain(`e.g. ${now().label}`);
    const future = expectError(await get(admin, '/reports/quarterly?quarter=2999-Q1'), 400, 'VALIDATION');
    expect(future.message).toContain(
      `has not begun yet; the latest quarter with screenings is ${now().label}`,
    );
    expectError(await get(admin, '/reports/quarterly'), 400, 'VALIDATION');
    expectError(await get(admin, '/reports/quarterly?quarter=2026-Q4&format=xls'), 400, 'VALIDATION');
  });

  it('answers the same counts as CSV, by format=csv or Accept: text/csv', async () => {
    const admin = await seed();
    const q = now();
    const r = await get(admin, `/reports/quarterly?quarter=${q.label}&clinicId=clinic-a&format=csv`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = r.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('quarter,level,clinic_id,village,table,row,column,count');
    const month = q.months[monthRow()]!;
    expect(lines).toContain(`${q.label},clinic,clinic-a,Sukamaju,screenings,${month},18-29|male,<5`);
    expect(lines).toContain(`${q.label},clinic,clinic-a,Sukamaju,screenings,${month},40-59|female,x`);
    expect(lines).toContain(`${q.label},clinic,clinic-a,Sukamaju,screenings,total,total,7`);
    expect(lines).toContain(`${q.label},clinic,clinic-a,Sukamaju,referrals,clinic-a,total,<5`);
    const byAccept = await get(admin, `/reports/quarterly?quarter=${q.label}&clinicId=clinic-a`, {
      accept: 'text/csv',
    });
    expect(byAccept.body).toBe(r.body);
    const json = await get(admin, `/reports/quarterly?quarter=${q.label}&clinicId=clinic-a`, {
      accept: 'application/json, text/csv;q=0.5',
    });
    expect(json.headers['content-type']).toContain('application/json');
  });

  it('serves the printable page with the same counts, in Bahasa Indonesia', async () => {
    const admin = await seed();
    const r = await get(admin, `/laporan/triwulan?quarter=${now().label}&clinicId=clinic-a`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<html lang="id">');
    expect(r.body).toContain('Laporan Triwulan');
    expect(r.body).toContain('Klinik clinic-a — Desa Sukamaju');
    expect(r.body).toContain('@page { size: A4 portrait');
    expect(r.body).not.toMatch(/<script|<link|https?:\/\//);
  });
});
