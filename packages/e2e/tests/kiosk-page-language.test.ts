// The kiosk page says every refusal in the worker's language: a NIK typed wrong, the clinic's own
// refusal and a value no body can have, in Indonesian by default and in English once switched.
// Real Chromium on the real agent, with a real clinic server and broker behind it.
import type { PractitionerRecord } from '@klinik-desa/protocol';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicStack, NIK } from '../src/clinic-stack.js';
import { launchChromium, openKioskPage, scriptErrors, unlockPage } from '../src/kiosk-browser.js';
import { stackPerTest } from '../src/stack.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

function eventually<T>(read: () => Promise<T>, timeout = 20_000) {
  return expect.poll(() => read().catch(() => undefined), { timeout, interval: 100 });
}
const text = (l: Locator) => l.first().textContent({ timeout: 500 });

/**
 * Types a NIK and searches, as a worker does: the kiosk allows a few searches a minute, and when
 * it says to wait (in either language) the worker waits the seconds it names and searches again.
 */
async function findByNik(page: Page, label: string, button: string, nik: string): Promise<void> {
  await page.getByLabel(label).fill(nik);
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.getByRole('button', { name: button }).first().click();
    await new Promise((r) => setTimeout(r, 300));
    const said = (await page.getByTestId('find-message').textContent()) ?? '';
    const wait = /(?:Tunggu|Wait) (\d+) (?:detik|seconds)/.exec(said);
    if (!wait) return;
    await new Promise((r) => setTimeout(r, (Number(wait[1]) + 1) * 1000));
  }
}

describe('the kiosk page in the worker language', () => {
  const track = stackPerTest();

  it('says a wrong NIK, a clinic refusal and an impossible value in Indonesian, then in English', async () => {
    const { stack, clinic } = clinicStack({ practitioners: ['Perawat Dewi', 'Bidan Sari'] });
    await track(stack).start();
    const { admin, practitioners } = clinic();
    const page = await openKioskPage(browser, await stack.apiUrl());
    // A wrong PIN on the lock, by its code too.
    for (const key of ['9', '0', '9', 'open']) await page.locator(`#pin-pad [data-key="${key}"]`).click();
    await eventually(() => text(page.getByTestId('lock-message'))).toBe('PIN salah.');
    await unlockPage(page);
    await eventually(() => text(page.getByTestId('link'))).toBe('Terhubung ke klinik');
    const message = page.getByTestId('find-message');

    // A NIK typed wrong: the agent's check names the part, the page says it in Indonesian.
    await findByNik(page, 'NIK (16 angka)', 'Cari', '3201013208950003');
    await eventually(() => text(message)).toBe(
      'Angka ke-7 sampai ke-12 NIK adalah tanggal lahir (TTBBTT; tanggal ditambah 40 untuk perempuan). Periksa KTP lalu ketik ulang.',
    );
    // (A NIK of another length never leaves the form: the field itself asks for 16 digits.)
    await findByNik(page, 'NIK (16 angka)', 'Cari', '9901014102950003');
    await eventually(() => text(message)).toMatch(/^Dua angka pertama NIK adalah kode provinsi/);

    // The clinic's own refusal: a health worker who left since the page listed them.
    const chooser = page.getByLabel('Petugas yang memeriksa');
    await eventually(() => chooser.locator('option').count()).toBe(3);
    await findByNik(page, 'NIK (16 angka)', 'Cari', NIK);
    const card = page.getByTestId('patient');
    await eventually(() => text(card)).toContain('Siti Aminah');
    const dewi = practitioners.get('Perawat Dewi') as PractitionerRecord;
    await chooser.selectOption({ label: 'Perawat Dewi' });
    await admin.request('PATCH', `/practitioners/${dewi.id}`, { active: false });
    await card.getByRole('button', { name: 'Mulai pemeriksaan' }).click();
    await eventually(() => text(message)).toBe(
      'Petugas yang dipilih tidak aktif di klinik. Pilih nama Anda lagi.',
    );

    // A typed height no body can have: the value's name and the number, written the Indonesian way.
    await chooser.selectOption({ label: 'Bidan Sari' });
    await card.getByRole('button', { name: 'Mulai pemeriksaan' }).click();
    await eventually(() => text(page.getByTestId('patient-name'))).toBe('Siti Aminah');
    const height = page.getByTestId('typed-height');
    await height.getByLabel('Tinggi badan (cm)').fill('15,85');
    await height.getByRole('button', { name: 'Simpan' }).click();
    await eventually(() => text(page.getByTestId('typed-message'))).toBe(
      'Tinggi badan 15,85 cm tidak mungkin hasil pengukuran orang: alat atau pembacaannya bermasalah. Ukur ulang.',
    );

    // The worker switches the page to English: the same refusals, in English.
    await page.getByRole('link', { name: 'EN' }).click();
    await page.waitForURL(/lang=en/);
    await unlockPage(page);
    await eventually(() => text(page.getByTestId('patient-name'))).toBe('Siti Aminah');
    await page.getByTestId('typed-height').getByLabel('Height (cm)').fill('15.85');
    await page.getByTestId('typed-height').getByRole('button', { name: 'Save' }).click();
    await eventually(() => text(page.getByTestId('typed-message'))).toBe(
      "Body height 15.85 cm cannot be a person's measurement: the device or its reading is at fault. Measure again.",
    );
    await page.getByRole('button', { name: 'Finish' }).click();
    await eventually(() => page.getByTestId('no-session').isVisible()).toBe(true);
    await findByNik(page, 'NIK (16 digits)', 'Find', '3201013208950003');
    await eventually(() => text(message)).toBe(
      'Digits 7 to 12 of a NIK are the birth date (DDMMYY; 40 is added to the day for women). Check the KTP and type it again.',
    );
    const sari = practitioners.get('Bidan Sari') as PractitionerRecord;
    await findByNik(page, 'NIK (16 digits)', 'Find', NIK);
    await eventually(() => text(card)).toContain('Siti Aminah');
    await page.getByLabel('Health worker doing the check').selectOption({ label: 'Bidan Sari' });
    await admin.request('PATCH', `/practitioners/${sari.id}`, { active: false });
    await card.getByRole('button', { name: 'Start the check' }).click();
    await eventually(() => text(message)).toBe(
      'The health worker chosen is not active at the clinic. Choose your name again.',
    );
    // A code the page's table does not know yet: a sentence in the page's language that names it,
    // never the English message beside it.
    // (A string, so the test runner leaves its import() alone.)
    const unknown = await page.evaluate(`import('/texts.js').then(({ messageFor }) => [
      messageFor({ code: 'SOMETHING_NEW', message: 'something new happened' }),
      messageFor({ code: 'SOMETHING_NEW' }, 'id'),
    ])`);
    expect(unknown).toEqual([
      "Something went wrong (code SOMETHING_NEW). Call the cooperative's IT contact if it happens again.",
      'Terjadi kesalahan (kode SOMETHING_NEW). Hubungi petugas TI koperasi jika terjadi lagi.',
    ]);
    expect(scriptErrors(page)).toEqual([]);
  });
});
