// A person signs in on the clinic server's own page in real Chromium, with a real clinic server
// process: they land on the `next` path, their puskesmas's kiosks are what they see (and not
// another puskesmas's), the session cookie is out of the page's scripts' reach, and a storm of
// wrong passwords is answered "wait" until the limit lifts by itself, after which they sign in.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiTestClient,
  type ClinicServerProcess,
  createAdminClient,
  startClinicServerProcess,
} from '@klinik-desa/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../src/kiosk-browser.js';

const PASSWORD = 'sandi-bidan-cibadak-2026';
// Short, so the limit lifts within the test: 3 wrong passwords, then one attempt back every 15 s
// (slow enough that the storm below outpaces it on a busy machine).
const LIMITS = { failures: 3, windowSeconds: 45, addressFailures: 100, accountFailures: 100 };

describe('the sign-in page in Chromium', () => {
  let server: ClinicServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-sign-in-page-'));
    const db = join(dir, 'clinic.db');
    const config = join(dir, 'clinic.json');
    writeFileSync(config, JSON.stringify({ http: { signInLimits: LIMITS } }));
    const national = createAdminClient(db);
    server = await startClinicServerProcess('clinic-server', [
      '--db',
      db,
      '--broker-port',
      '0',
      '--config',
      config,
    ]);
    const root = await new ApiTestClient(server.httpUrl, national.clientId, national.clientSecret).signIn();
    const made = async (path: string, body: unknown) => {
      const r = await root.request('POST', path, body);
      if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    for (const clinic of ['clinic-a1', 'clinic-a2', 'clinic-b1']) {
      await made('/clinics', { id: clinic, name: `Klinik ${clinic}` });
      await made('/kiosks', { clinicId: clinic, kioskId: `kiosk-of-${clinic}` });
    }
    await made('/puskesmas', {
      id: 'pkm-cibadak',
      name: 'Puskesmas Cibadak',
      clinicIds: ['clinic-a1', 'clinic-a2'],
    });
    await made('/puskesmas', { id: 'pkm-sukamaju', name: 'Puskesmas Sukamaju', clinicIds: ['clinic-b1'] });
    await made('/accounts', {
      username: 'bidan.cibadak',
      displayName: 'Bidan Cibadak',
      role: 'puskesmas-staff',
      clinics: { puskesmasId: 'pkm-cibadak' },
      password: PASSWORD,
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function fill(page: Page, username: string, password: string) {
    await page.getByLabel('Nama pengguna').fill(username);
    await page.getByLabel('Kata sandi').fill(password);
    await page.getByRole('button', { name: 'Masuk' }).click();
  }

  it("signs in, lands on next, and sees its puskesmas's kiosks only", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.httpUrl}/masuk?next=/kiosks`);
    expect(await page.title()).toBe('Masuk - Klinik Desa');
    await fill(page, 'bidan.cibadak', PASSWORD);
    await page.waitForURL(`${server.httpUrl}/kiosks`);
    const kiosks = JSON.parse(((await page.locator('body').textContent()) ?? '').trim()) as {
      data: { clinicId: string; kioskId: string }[];
    };
    expect(kiosks.data.map((k) => k.kioskId).sort()).toEqual(['kiosk-of-clinic-a1', 'kiosk-of-clinic-a2']);
    // The session is an HttpOnly cookie: the page's scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('kd_session');
    const cookie = (await context.cookies()).find((c) => c.name === 'kd_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // Another puskesmas's kiosk is not there for this session.
    const other = await page.goto(`${server.httpUrl}/kiosks/clinic-b1/kiosk-of-clinic-b1`);
    expect(other?.status()).toBe(404);
    await context.close();
  });

  it("opens the fleet page and the quarterly report with the session: its puskesmas's clinics, not another's", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.httpUrl}/masuk?next=/ui/fleet`);
    await fill(page, 'bidan.cibadak', PASSWORD);
    await page.waitForURL(`${server.httpUrl}/ui/fleet`);
    const clinics = page.getByTestId('clinic');
    await clinics.first().waitFor({ timeout: 20_000 });
    const shown = await clinics.evaluateAll((sections) => sections.map((s) => s.getAttribute('data-clinic')));
    expect(shown.sort()).toEqual(['clinic-a1', 'clinic-a2']);
    expect(await page.getByTestId('problem').isHidden()).toBe(true);

    // The quarterly report with the same session: its clinics' sections, not another puskesmas's.
    const quarter = `${new Date().getUTCFullYear()}-Q${Math.floor(new Date().getUTCMonth() / 3) + 1}`;
    const report = await page.goto(`${server.httpUrl}/laporan/triwulan?quarter=${quarter}`);
    expect(report?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toContain('Laporan Triwulan');
    const sections = await page.locator('h2').allTextContents();
    expect(sections.join(' ')).toContain('Klinik clinic-a1');
    expect(sections.join(' ')).not.toContain('clinic-b1');
    await context.close();
  });

  it('goes to / rather than to another site named in next', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.httpUrl}/masuk?next=//example.invalid/kiosks`);
    await fill(page, 'bidan.cibadak', PASSWORD);
    await page.waitForURL(`${server.httpUrl}/`);
    await context.close();
  });

  it('answers a wrong-password storm with a wait, and lets the person in once the limit lifts', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.httpUrl}/masuk?next=/kiosks`);
    const message = page.getByRole('alert');
    const answer = async (password: string) => {
      await page.evaluate(() => {
        document.getElementById('pesan')!.textContent = '';
      });
      await fill(page, 'bidan.cibadak', password);
      // The page's answer is there once the server answered (a scrypt hash: not instant on a busy machine).
      await page.waitForFunction(() =>
        /salah|Terlalu/.test(document.getElementById('pesan')?.textContent ?? ''),
      );
      return (await message.textContent()) ?? '';
    };
    // Wrong passwords until the server says wait: the first `failures` of them are only "wrong".
    let wrong = 0;
    while (!(await answer(`tebakan-${wrong}`)).includes('Terlalu banyak percobaan yang salah')) wrong++;
    expect(wrong).toBeGreaterThanOrEqual(LIMITS.failures);
    // Even the right password waits now: the storm came from this address.
    const told = await answer(PASSWORD);
    expect(told).toContain('Terlalu banyak percobaan yang salah');
    const seconds = Number(/dalam (\d+) detik/.exec(told)?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(page.url()).toContain('/masuk');
    // The limit lifts by itself after the wait the page was told.
    await page.waitForTimeout(seconds * 1000);
    await fill(page, 'bidan.cibadak', PASSWORD);
    await page.waitForURL(`${server.httpUrl}/kiosks`);
    await context.close();
  });
});
