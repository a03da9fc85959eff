// Every screen of the kiosk page, in real Chromium on the real stack: accessible (axe-core finds no
// serious or critical violation), usable on the kiosk's 1024×600 screen and on a 360×740 phone,
// and ending with the summary the patient takes home: Indonesian, printable, without the NIK.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../src/axe.js';
import { clinicStack, NEW_NIK, NIK, PATIENT } from '../src/clinic-stack.js';
import {
  KIOSK_SCREEN,
  launchChromium,
  openKioskPage,
  PHONE_SCREEN,
  scriptErrors,
  unlockPage,
} from '../src/kiosk-browser.js';
import { KIOSK_SCREENS, type KioskScreen, walkKioskScreens } from '../src/kiosk-walk.js';
import { layoutProblems } from '../src/layout.js';
import { stackPerTest } from '../src/stack.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the kiosk page, screen by screen', () => {
  const track = stackPerTest();

  it('passes axe and fits the kiosk and a phone on every screen, and gives the patient an Indonesian summary without the NIK', async () => {
    const { stack, clinic } = clinicStack({ practitioners: ['Bidan Sari', 'Perawat Dewi'] });
    await track(stack).start();
    await stack.agent.waitForLine(/device oximeter-1 connected/);
    // In English: the summary must still come out in Indonesian.
    const page = await openKioskPage(browser, `${await stack.apiUrl()}/?lang=en`);
    const seen: KioskScreen[] = [];
    const problems: string[] = [];
    const look = async (where: string) => {
      for (const [size, phone] of [
        [KIOSK_SCREEN, false],
        [PHONE_SCREEN, true],
      ] as const) {
        await page.setViewportSize(size);
        const found = [...(await seriousAxeViolations(page)), ...(await layoutProblems(page, { phone }))];
        problems.push(...found.map((p) => `${where} at ${size.width}×${size.height}: ${p}`));
      }
      await page.setViewportSize(KIOSK_SCREEN);
    };
    await walkKioskScreens({
      page,
      stack,
      clinic: clinic(),
      at: async (screen) => {
        seen.push(screen);
        await look(screen);
      },
    });
    expect(seen).toEqual([...KIOSK_SCREENS]);

    // The take-home sheet: who, when, where, each result with its flag and advice, in Indonesian.
    const sheet = page.getByTestId('take-home-sheet');
    const printed = (await sheet.textContent()) ?? '';
    expect(await page.locator('#take-home-sheet').getAttribute('lang')).toBe('id');
    for (const expected of [
      'Ringkasan Pemeriksaan Kesehatan',
      'Klinik clinic-1',
      'Kiosk kiosk-1',
      PATIENT.name,
      'Perempuan',
      'tahun',
      'Bidan Sari',
      'Hasil: SEGERA rujuk ke puskesmas atau rumah sakit.',
      'Ini hasil skrining, bukan diagnosis.',
    ])
      expect(printed).toContain(expected);
    const results = sheet.getByTestId('take-home-result');
    const byKind = async (kind: string) =>
      (await results.and(page.locator(`[data-kind="${kind}"]`)).textContent()) ?? '';
    expect(await byKind('weight')).toContain('Berat badan: 58,2 kg');
    expect(await byKind('height')).toContain('Tinggi badan: 158,5 cm');
    // SpO2 85 %: urgent, with the screening package's own advice in Indonesian.
    const spo2 = await byKind('pulse-oximetry');
    expect(spo2).toContain('Saturasi oksigen: SpO2 85 %');
    expect(spo2).toContain('SEGERA dirujuk');
    expect(spo2).toContain('Saturasi oksigen < 90 %. Rujuk SEGERA.');
    // A woman's waist of 86 cm: central obesity, and what to do about it.
    const waist = await byKind('waist');
    expect(waist).toContain('Lingkar perut: 86 cm');
    expect(waist).toContain(
      'Obesitas sentral (lingkar perut > 80 cm). Edukasi gizi seimbang dan aktivitas fisik.',
    );
    // The BMI the clinic computed from the weight and the typed height (23.2): at risk on ILP's
    // Asia-Pacific table.
    const bmi = await byKind('bmi');
    expect(bmi).toMatch(/^IMT \(dihitung\): 23,\d kg\/m² · Perlu perhatian/);
    expect(bmi).toContain('Berat badan lebih (berisiko). Edukasi gizi seimbang dan aktivitas fisik.');
    expect(printed).not.toMatch(/Oxygen|Weight|refer|Result:/);

    // No NIK in the sheet, nor on the page at all: not whole, not masked, not its digits apart.
    const sheetHtml = await page.locator('#take-home').evaluate((n) => n.outerHTML);
    for (const nik of [NIK, NEW_NIK]) {
      expect(sheetHtml).not.toContain(nik);
      expect(sheetHtml.replace(/\D/g, '')).not.toContain(nik);
      expect(await page.content()).not.toContain(nik);
    }
    expect(await page.locator('#take-home-sheet').innerHTML()).not.toMatch(/NIK|\*{4}/);

    // Printed, the page is the sheet alone, on one A4 page.
    await page.emulateMedia({ media: 'print' });
    expect(await sheet.isVisible()).toBe(true);
    for (const hidden of [
      '#page-header',
      '#alerts',
      '#readings-panel',
      '#devices-panel',
      '#print-summary',
      '#nik-form',
    ])
      expect(await page.locator(hidden).isVisible(), hidden).toBe(false);
    // biome-ignore lint/performance/useDomNodeTextContent: what prints is the rendered text
    const onPaper = await page.locator('body').innerText();
    expect(onPaper).toContain(PATIENT.name);
    expect(onPaper).toContain('Ini hasil skrining, bukan diagnosis.');
    expect(onPaper).not.toContain('Results');
    for (const nik of [NIK, NEW_NIK]) expect(onPaper.replace(/\D/g, '')).not.toContain(nik);
    const pdf = (await page.pdf({ format: 'A4', printBackground: false })).toString('latin1');
    expect(pdf.startsWith('%PDF')).toBe(true);
    expect(pdf.match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
    await page.emulateMedia({ media: 'screen' });

    // Locked, the page forgets the sheet with the rest: the next person at the kiosk sees no one.
    await page.getByTestId('lock-button').click();
    await page.getByTestId('lock').waitFor({ state: 'visible' });
    expect(await page.getByTestId('take-home').isVisible()).toBe(false);
    expect(await page.content()).not.toContain(PATIENT.name);

    // The other language, on the screens it changes most: the lock and the first screen.
    await page.goto(await stack.apiUrl());
    await look('locked (Indonesian)');
    await unlockPage(page);
    await page.getByTestId('device').first().waitFor();
    await look('choose-practitioner (Indonesian)');

    expect(problems).toEqual([]);
    expect(scriptErrors(page)).toEqual([]);
  });
});
