// The quarterly report's printable page in Debian's headless Chromium, against a real clinic server
// process (embedded broker, SQLite): screenings opened through the API, blood pressures published by
// a kiosk over MQTT, and the page read as the puskesmas's partner sees it, signed in with the API's
// Bearer token. It shows the counts the API gives, "<5" and "x" where suppressed, and prints on A4
// without its navigation.
import type { KioskCredentials, Reading } from '@klinik-desa/protocol';
import { ApiTestClient, type ClinicServerProcess } from '@klinik-desa/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishAsKiosk, startClinicProcess } from '../src/clinic-process.js';
import { launchChromium } from '../src/kiosk-browser.js';
import { bloodPressureReading } from '../src/weight-reading.js';

const CLINIC = 'klinik-sukamaju';
// The quarter and month now on the server's wall clock (Asia/Jakarta, +07:00, its default zone).
const LOCAL = new Date(Date.now() + 7 * 3_600_000);
const QUARTER = `${LOCAL.getUTCFullYear()}-Q${Math.floor(LOCAL.getUTCMonth() / 3) + 1}`;
const MONTH = LOCAL.toISOString().slice(0, 7);

/** A kiosk's blood pressure in `screeningId`; 140 mmHg and over flagged grade 1 (a referral). */
function bloodPressure(screeningId: string, systolic: number): Reading {
  const base = bloodPressureReading(CLINIC, 'kiosk-1', { sessionId: screeningId });
  return {
    ...base,
    values: base.values.map((v) => (v.name === 'systolic' ? { ...v, value: systolic } : { ...v, value: 85 })),
    flags:
      systolic >= 140
        ? [{ code: 'bp.grade-1', severity: 'refer', value: 'systolic', rules: 'ilp-2025.3' }]
        : [],
  };
}

describe('the quarterly report page in Chromium', () => {
  let server: ClinicServerProcess;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    const clinic = await startClinicProcess('kd-quarterly-');
    const { brokerUrl, made } = clinic;
    server = clinic.server;
    const kiosk = await made<KioskCredentials>('POST', '/kiosks', { clinicId: CLINIC, kioskId: 'kiosk-1' });
    // Six women of 40–59 and one man of 18–29, screened this month.
    const screenings: string[] = [];
    const people = [
      ...Array.from({ length: 6 }, (_, n) => ({
        name: `Ibu Warga ${n}`,
        birthDate: '1975-01-01',
        sex: 'female',
      })),
      { name: 'Bapak Warga', birthDate: '2000-01-01', sex: 'male' },
    ];
    for (const person of people) {
      const patient = await made<{ id: string }>('POST', '/patients', { ...person, clinicId: CLINIC });
      const s = await made<{ id: string }>('POST', '/screenings', {
        patientId: patient.id,
        clinicId: CLINIC,
        kioskId: 'kiosk-1',
      });
      screenings.push(s.id);
    }
    // The kiosk measures the first three women: two high (grade 1, a referral each), one normal.
    const readings = [
      bloodPressure(screenings[0]!, 150),
      bloodPressure(screenings[1]!, 145),
      bloodPressure(screenings[2]!, 118),
    ];
    await publishAsKiosk(brokerUrl, kiosk, readings);

    const partner = await made<{ clientId: string; clientSecret: string }>('POST', '/clients', {
      name: 'Puskesmas Sukamaju',
      role: 'partner',
      clinics: [CLINIC],
    });
    token = (await new ApiTestClient(server.httpUrl, partner.clientId, partner.clientSecret).signIn())
      .accessToken;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the counts of the API, <5 and x where suppressed, and prints on A4 without the navigation', async () => {
    const api = await fetch(`${server.httpUrl}/reports/quarterly?quarter=${QUARTER}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(api.status).toBe(200);
    const report = (await api.json()) as {
      months: string[];
      clinics: { screenings: { columns: { key: string }[]; cells: unknown[][]; rowTotals: unknown[] } }[];
    };
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${server.httpUrl}/laporan/triwulan?quarter=${QUARTER}`);
      expect(response?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toContain('Laporan Triwulan');
      const section = page.locator('section.clinic').first();
      await expect(section.locator('h2').textContent()).resolves.toContain(`Klinik ${CLINIC}`);

      // The month's row of the screenings table: age band × sex, then the month's total.
      const row = section.locator('table').first().locator(`tr[data-row="${MONTH}"] td`);
      const cells = (await row.allTextContents()).map((t) => t.trim());
      const columns = report.clinics[0]!.screenings.columns.map((c) => c.key);
      // By hand: the man alone is "<5", the six women beside him "x", the month's total 7.
      expect(cells[columns.indexOf('18-29|male')]).toBe('<5');
      expect(cells[columns.indexOf('40-59|female')]).toBe('x');
      expect(cells.at(-1)).toBe('7');
      // The page's numbers are the API's.
      const month = report.months.indexOf(MONTH);
      const fromApi = report.clinics[0]!.screenings;
      expect(cells).toEqual([...fromApi.cells[month]!, fromApi.rowTotals[month]].map(String));

      // Hypertension: two women, shown as "<5"; referrals: two made, both "<5".
      const flags = section.locator('table').nth(1).locator('tr[data-row="hypertension"] td');
      expect((await flags.allTextContents()).map((t) => t.trim())).toEqual(['0', '<5', '<5']);
      const referrals = section.locator('table').nth(2).locator(`tr[data-row="${CLINIC}"] td`);
      expect((await referrals.allTextContents()).map((t) => t.trim())).toEqual(['0', '<5', '<5']);
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).not.toMatch(/Ibu Warga|Bapak Warga|1975/);

      await expect(page.locator('nav').isVisible()).resolves.toBe(true);
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('nav').isVisible()).resolves.toBe(false);
      await expect(page.locator('section.clinic table').first().isVisible()).resolves.toBe(true);
      const pdf = await page.pdf({ preferCSSPageSize: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      // A4 is 595 × 842 points (Chromium writes 594.96 × 841.92): the print CSS's page size.
      const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'));
      expect([Math.round(Number(box?.[1])), Math.round(Number(box?.[2]))]).toEqual([595, 842]);
    } finally {
      await context.close();
    }
  });
});
