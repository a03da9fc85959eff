// The kiosk page as a health worker uses it: headless Chromium (Debian's, driven by
// playwright-core) on the agent's own page, with every part behind it real: a scale and a pulse
// oximeter on socat ptys, the agent process, Mosquitto and the clinic server.
import { request } from 'node:http';
import type { Patient, PractitionerRecord, Screening } from '@klinik-desa/protocol';
import { ageInYears, zoneSpec } from '@klinik-desa/screening';
import { freePort, waitFor } from '@klinik-desa/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicStack, NEW_NIK, NIK, oximetry } from '../src/clinic-stack.js';
import { launchChromium, openKioskPage, scriptErrors, unlockPage } from '../src/kiosk-browser.js';
import { type Stack, stackPerTest, weighing } from '../src/stack.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function openPage(url: string): Promise<Page> {
  const page = await openKioskPage(browser, url);
  await unlockPage(page);
  return page;
}

/** The local API's answer to a program on the kiosk, with a page session of its own. */
async function withSession(stack: Stack, path: string, init: RequestInit = {}): Promise<Response> {
  const cookie = await stack.pageCookie();
  return fetch(`${await stack.apiUrl()}${path}`, { ...init, headers: { cookie } });
}

/** Polls what the page shows until it matches (the page updates from a live event stream). */
function eventually<T>(read: () => Promise<T>, timeout = 20_000) {
  return expect.poll(() => read().catch(() => undefined), { timeout, interval: 100 });
}
const text = (l: Locator) => l.first().textContent({ timeout: 500 });

/** The id of the screening open at the kiosk now, from the agent's local API. */
async function openSessionId(stack: Stack): Promise<string> {
  const session = (await (await withSession(stack, '/session')).json()) as { sessionId: string };
  return session.sessionId;
}

describe('the kiosk page', () => {
  const track = stackPerTest();

  it('finds a patient by NIK, shows each result as it reaches the clinic, flags the urgent one, and finishes', async () => {
    const { stack, clinic } = clinicStack({ practitioners: ['Perawat Dewi', 'Bidan Sari'] });
    await track(stack).start();
    await stack.agent.waitForLine(/device oximeter-1 connected/);
    const { admin, patient, oximeter, practitioners } = clinic();
    const page = await openPage(`${await stack.apiUrl()}/?lang=en`);
    // The clinic's health workers, by name, for "who is doing this check".
    const chooser = page.getByLabel('Health worker doing the check');
    await eventually(() => chooser.locator('option').allTextContents()).toEqual([
      'Choose your name',
      'Bidan Sari',
      'Perawat Dewi',
    ]);

    await eventually(() => text(page.getByTestId('link'))).toBe('Connected to the clinic');
    await eventually(() => text(page.locator('[data-device="scale-1"]'))).toContain('Ready');
    await eventually(() => text(page.locator('[data-device="oximeter-1"]'))).toContain('Ready');

    await page.getByLabel('NIK (16 digits)').fill(NIK);
    await page.getByRole('button', { name: 'Find' }).first().click();
    const card = page.getByTestId('patient');
    await eventually(() => text(card)).toContain('Siti Aminah');
    const age = ageInYears('1979-04-12', new Date(), zoneSpec({}));
    await eventually(() => text(card)).toContain(`${age} years`);
    await card.getByLabel('Fasting (8 hours)').check();
    // SATUSEHAT's Encounter names who did the check: no check starts without a name chosen.
    await card.getByRole('button', { name: 'Start the check' }).click();
    await eventually(() => text(page.getByTestId('find-message'))).toBe(
      'First choose the health worker doing the check (above).',
    );
    expect(await page.getByTestId('no-session').isVisible()).toBe(true);
    await chooser.selectOption({ label: 'Bidan Sari' });
    await card.getByRole('button', { name: 'Start the check' }).click();

    await eventually(() => text(page.getByTestId('patient-name'))).toBe('Siti Aminah');
    await eventually(() => text(page.getByTestId('in-session'))).toContain('Health worker: Bidan Sari');
    await eventually(() => text(page.getByTestId('in-session'))).toContain(
      'Blood glucose: Fasting (8 hours)',
    );
    await eventually(() => text(page.getByTestId('session-note'))).toBe(
      'The check is recorded at the clinic.',
    );

    stack.write(weighing(58.2));
    const weight = page.getByTestId('reading').filter({ hasText: 'Weight' });
    await eventually(() => text(weight)).toContain('58.2 kg');
    // Every scale reading carries "the device sent no time": kept in the record, not shown.
    expect(await text(weight)).not.toContain('sent no time');
    await eventually(() => text(weight.getByTestId('delivery'))).toBe('Received by the clinic ✓');

    // A value no body can have: not kept, and the worker is told to measure again.
    stack.write(weighing(450));
    await eventually(() => text(page.getByTestId('remeasure'))).toContain(
      'scale-1: result not used, measure again.',
    );
    expect(await page.getByTestId('reading').count()).toBe(1);

    oximetry(oximeter, 85, 112);
    const spo2 = page.getByTestId('reading').filter({ hasText: 'Oxygen saturation' });
    await eventually(() => text(spo2)).toContain('85 %');
    await eventually(() => spo2.first().getAttribute('class')).toMatch(/urgent/);
    await eventually(() => text(page.getByTestId('urgent'))).toContain('URGENT: Oxygen saturation');
    // The measurement after the remeasure request came from another device: that request stays.
    await eventually(() => page.getByTestId('remeasure').count()).toBe(1);

    // Height and waist come from a stadiometer and a tape: typed in, checked like a device's value.
    const heightForm = page.getByTestId('typed-height');
    await heightForm.getByLabel('Height (cm)').fill('15.85');
    await heightForm.getByRole('button', { name: 'Save' }).click();
    await eventually(() => text(page.getByTestId('typed-message'))).toMatch(
      /^Body height 15\.85 cm cannot be a person's measurement/,
    );
    await heightForm.getByLabel('Height (cm)').fill('158.5');
    await heightForm.getByRole('button', { name: 'Save' }).click();
    await eventually(() => text(page.getByTestId('typed-message'))).toBe('Saved.');
    const waistForm = page.getByTestId('typed-waist');
    await waistForm.getByLabel('Waist (cm)').fill('86');
    await waistForm.getByRole('button', { name: 'Save' }).click();
    const height = page.getByTestId('reading').filter({ hasText: 'Height' });
    await eventually(() => text(height)).toContain('158.5 cm');
    expect(await text(height)).toContain('typed in');
    const waist = page.getByTestId('reading').filter({ hasText: 'Waist' });
    await eventually(() => text(waist)).toContain('86 cm');
    // A woman's waist of 80 cm or more: central obesity, flagged.
    expect(await waist.first().getAttribute('class')).toMatch(/attention|refer/);

    // A reload (or a second screen) in the middle of a check shows the same patient and results.
    await page.reload();
    await unlockPage(page);
    await eventually(() => text(page.getByTestId('patient-name'))).toBe('Siti Aminah');
    await eventually(() => page.getByTestId('reading').count()).toBe(4);

    const sessionId = await openSessionId(stack);
    await page.getByRole('button', { name: 'Finish' }).click();
    await eventually(() => text(page.getByTestId('finish-message'))).toBe(
      'Check finished and recorded at the clinic.',
    );
    await eventually(() => page.getByTestId('no-session').isVisible()).toBe(true);
    // What the clinic made of it, to tell the patient: the worst flag (SpO2 85 %) and the BMI it
    // computed from the weight and the typed height.
    const summary = page.getByTestId('summary');
    expect(await text(summary)).toContain('Result: refer URGENTLY to the puskesmas or hospital.');
    expect(await text(summary.getByTestId('computed'))).toMatch(/^BMI: 23\.\d+ kg\/m²/);
    const screening = await admin.request<Screening>('GET', `/screenings/${sessionId}`);
    expect(screening.body).toMatchObject({
      status: 'finished',
      patientId: patient.id,
      practitionerId: practitioners.get('Bidan Sari')?.id,
    });
    // The next check is most likely the same worker's: the choice stays after a reload.
    await page.reload();
    await unlockPage(page);
    await eventually(() => chooser.inputValue()).toBe(practitioners.get('Bidan Sari')?.id);
    // A health worker who left the clinic is no longer offered, and a check in their name is
    // refused with the clinic's reason instead of being opened on the kiosk alone.
    const dewi = practitioners.get('Perawat Dewi') as PractitionerRecord;
    await admin.request('PATCH', `/practitioners/${dewi.id}`, { active: false });
    const refused = await withSession(stack, '/session', {
      method: 'PUT',
      body: JSON.stringify({ patientId: patient.id, practitionerId: dewi.id }),
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'PRACTITIONER_NOT_USABLE' });
    expect((await withSession(stack, '/session')).status).toBe(404);
    await page.reload();
    await unlockPage(page);
    await eventually(() => chooser.locator('option').allTextContents()).toEqual([
      'Choose your name',
      'Bidan Sari',
    ]);
    const records = await stack.waitForRecords(5);
    expect(records.map((r) => r.sessionId)).toEqual(Array(5).fill(sessionId));
    expect(records.map((r) => r.kind).sort()).toEqual(['bmi', 'height', 'pulse-oximetry', 'waist', 'weight']);
    expect(records.find((r) => r.kind === 'height')?.device).toEqual({ id: 'manual', protocol: 'manual' });
    expect(records.find((r) => r.kind === 'pulse-oximetry')?.flags.map((f) => f.severity)).toContain(
      'urgent',
    );
    expect(scriptErrors(page)).toEqual([]);
    // The NIK and the name went from the page to the clinic, never into the agent's log.
    expect(stack.agent.output()).not.toContain(NIK);
    expect(stack.agent.output()).not.toContain('Siti');
  });

  it('registers a patient the clinic does not know and gives them a weighing taken before the check, in Indonesian by default', async () => {
    const { stack, clinic } = clinicStack();
    await track(stack).start();
    const page = await openPage(await stack.apiUrl());

    await eventually(() => text(page.getByTestId('link'))).toBe('Terhubung ke klinik');
    await page.getByLabel('NIK (16 angka)').fill(NEW_NIK);
    await page.getByRole('button', { name: 'Cari' }).first().click();
    await eventually(() => text(page.getByTestId('find-message'))).toBe(
      'Belum terdaftar. Daftarkan pasien di bawah ini.',
    );
    const form = page.getByTestId('register-form');
    await eventually(() => form.getByLabel('NIK (boleh kosong)').inputValue({ timeout: 500 })).toBe(NEW_NIK);
    await form.getByLabel('Nama').fill('Budi Santoso');
    await form.getByLabel('Tanggal lahir').fill('1988-04-25');
    await form.getByLabel('Laki-laki').check();
    await form.getByRole('button', { name: 'Daftarkan' }).click();

    const card = page.getByTestId('patient');
    await eventually(() => text(card)).toContain('Budi Santoso');
    await eventually(() => text(card)).toContain('25 April 1988');

    // He stepped on the scale before the check was opened: an unassigned result, at the clinic.
    stack.write(weighing(70.1));
    await eventually(() => text(page.getByTestId('reading').getByTestId('delivery'))).toBe(
      'Diterima klinik ✓',
    );
    await card.getByRole('button', { name: 'Mulai pemeriksaan' }).click();
    await eventually(() => text(page.getByTestId('patient-name'))).toBe('Budi Santoso');
    const earlier = page.getByTestId('earlier-reading');
    await eventually(() => text(earlier)).toContain('70,1 kg');
    expect(await page.getByTestId('reading').count()).toBe(0);
    await earlier.getByRole('button', { name: 'Milik pasien ini' }).click();
    await eventually(() => text(page.getByTestId('reading'))).toContain('70,1 kg');
    expect(await earlier.count()).toBe(0);
    const sessionId = await openSessionId(stack);

    stack.write(weighing(71.45));
    const reading = page.getByTestId('reading');
    // Indonesian writes a decimal comma.
    await eventually(() => text(reading)).toContain('71,45 kg');
    await eventually(() => text(reading.getByTestId('delivery'))).toBe('Diterima klinik ✓');

    const found = await clinic().admin.request<{ data: Patient[] }>('POST', '/patients/search', {
      nik: NEW_NIK,
    });
    expect(found.body.data).toMatchObject([{ name: 'Budi Santoso', birthDate: '1988-04-25', sex: 'male' }]);
    const records = await stack.waitForRecords(2);
    expect(records.map((r) => r.patientId)).toEqual([undefined, found.body.data[0]?.id]);
    // The earlier weighing was assigned at the clinic: both are the screening's observations now.
    const observations = await clinic().admin.request<{ data: { value: number | null }[] }>(
      'GET',
      `/observations?screeningId=${sessionId}`,
    );
    expect(observations.body.data.map((o) => o.value).sort()).toEqual([70.1, 71.45]);

    // Registering the same NIK again shows the patient already registered instead of an error.
    await page.getByRole('button', { name: 'Selesai' }).click();
    await page.getByLabel('NIK (16 angka)').fill(NIK.replace('3201014102950003', '3201017003900001'));
    await page.getByRole('button', { name: 'Cari' }).first().click();
    await form.getByLabel('Nama').fill('Budi S.');
    await form.getByLabel('NIK (boleh kosong)').fill(NEW_NIK);
    await form.getByLabel('Tanggal lahir').fill('1988-04-25');
    await form.getByLabel('Laki-laki').check();
    await form.getByRole('button', { name: 'Daftarkan' }).click();
    await eventually(() => text(page.getByTestId('find-message'))).toBe('NIK ini sudah terdaftar:');
    await eventually(() => text(page.getByTestId('patient'))).toContain('Budi Santoso');
    expect(scriptErrors(page)).toEqual([]);
  });

  it('says the kiosk is offline, warns loudly near the outbox cap, and clears once the clinic has everything', async () => {
    // The smallest outbox the config allows: the warning comes at 80 unconfirmed readings.
    const { stack } = clinicStack({ outboxCapacity: 100, practitioners: ['Bidan Sari'] });
    await track(stack).start();
    const page = await openPage(`${await stack.apiUrl()}/?lang=en`);
    await eventually(() => text(page.getByTestId('link'))).toBe('Connected to the clinic');
    const chooser = page.getByLabel('Health worker doing the check');
    await eventually(() => chooser.locator('option').allTextContents()).toEqual([
      'Choose your name',
      'Bidan Sari',
    ]);

    await stack.broker.stop();
    await eventually(() => text(page.getByTestId('link'))).toBe(
      'Offline: results are kept safely on the kiosk',
    );
    for (let i = 0; i < 80; i++) stack.write(weighing(50 + i / 10, 2));
    await eventually(() => text(page.getByTestId('waiting')), 30_000).toBe('80 results waiting to be sent');
    await eventually(() => text(page.getByTestId('outbox-full'))).toContain(
      'KIOSK STORAGE NEARLY FULL: 80 of 100 results',
    );
    await eventually(() => text(page.getByTestId('reading').first())).toContain('Kept on the kiosk');
    // Unassigned results are a check that the devices work, not a worklist: the newest ten.
    expect(await page.getByTestId('reading').count()).toBe(10);

    await stack.broker.start();
    await eventually(() => text(page.getByTestId('waiting')), 60_000).toBe('All results sent');
    await eventually(() => page.getByTestId('outbox-full').count()).toBe(0);
    await eventually(() => text(page.getByTestId('link'))).toBe('Connected to the clinic');
    expect(await stack.waitForRecords(80)).toHaveLength(80);

    // With the clinic server gone, a search says what to do instead of failing silently, and the
    // health workers are still there to choose from, as the kiosk saw them last.
    await stack.server.stop();
    await page.reload();
    await unlockPage(page);
    await eventually(() => chooser.locator('option').allTextContents()).toEqual([
      'Choose your name',
      'Bidan Sari',
    ]);
    expect(await text(page.locator('#practitioner-note'))).toBe(
      'The clinic cannot be reached: health workers as the kiosk last saw them.',
    );
    await page.getByLabel('NIK (16 digits)').fill(NIK);
    await page.getByRole('button', { name: 'Find' }).first().click();
    await eventually(() => text(page.getByTestId('find-message'))).toMatch(
      /^The clinic cannot be reached\. Measure anyway/,
    );
    expect(scriptErrors(page)).toEqual([]);
  });

  it('finishes a check closed while offline once its results are in, so the clinic still computes the BMI', async () => {
    const { stack, clinic } = clinicStack();
    await track(stack).start();
    const page = await openPage(`${await stack.apiUrl()}/?lang=en`);
    await page.getByLabel('NIK (16 digits)').fill(NIK);
    await page.getByRole('button', { name: 'Find' }).first().click();
    await page.getByTestId('patient').getByRole('button', { name: 'Start the check' }).click();
    await eventually(() => text(page.getByTestId('patient-name'))).toBe('Siti Aminah');
    const sessionId = await openSessionId(stack);

    // The broker is down, the clinic's API is not: without waiting for the readings, the clinic
    // would finish an empty screening and compute nothing.
    await stack.broker.stop();
    await eventually(() => text(page.getByTestId('link'))).toBe(
      'Offline: results are kept safely on the kiosk',
    );
    stack.write(weighing(58.2));
    await page.getByTestId('typed-height').getByLabel('Height (cm)').fill('158.5');
    await page.getByTestId('typed-height').getByRole('button', { name: 'Save' }).click();
    await eventually(() => page.getByTestId('reading').count()).toBe(2);
    await page.getByRole('button', { name: 'Finish' }).click();
    await eventually(() => text(page.getByTestId('finish-message'))).toBe(
      'Check closed. The clinic will be told when the network is back.',
    );
    expect(await page.getByTestId('summary').isVisible()).toBe(false);
    // The patient still takes home what was measured, in Indonesian; the BMI is the clinic's to add.
    const sheet = page.getByTestId('take-home-sheet');
    await eventually(() => sheet.getByTestId('take-home-result').allTextContents()).toEqual([
      'Berat badan: 58,2 kg',
      'Tinggi badan: 158,5 cm',
    ]);
    expect(await text(sheet.getByTestId('take-home-conclusion'))).toBe('Hasil: normal.');
    const { admin } = clinic();
    expect((await admin.request<Screening>('GET', `/screenings/${sessionId}`)).body.status).toBe('open');

    await stack.broker.start();
    await waitFor(
      async () =>
        (await admin.request<Screening>('GET', `/screenings/${sessionId}`)).body.status === 'finished',
      { timeoutMs: 30_000, what: 'the screening finished once its readings arrived' },
    );
    const observations = await admin.request<{ data: { name: string; value: number | null }[] }>(
      'GET',
      `/observations?screeningId=${sessionId}`,
    );
    expect(observations.body.data.map((o) => o.name).sort()).toEqual(['bmi', 'height', 'weight']);
    expect(observations.body.data.find((o) => o.name === 'bmi')?.value).toBeCloseTo(58.2 / 1.585 ** 2, 1);
    expect(scriptErrors(page)).toEqual([]);
  });

  it('says loudly when the agent stops answering, and carries on by itself once it is back', async () => {
    const { stack } = clinicStack({ httpPort: await freePort() });
    await track(stack).start();
    const page = await openPage(`${await stack.apiUrl()}/?lang=en`);
    await eventually(() => text(page.getByTestId('link'))).toBe('Connected to the clinic');

    await stack.agent.stop();
    await eventually(() => text(page.getByTestId('agent-down'))).toContain(
      'THE KIOSK AGENT IS NOT ANSWERING',
    );
    expect(await text(page.getByTestId('link'))).toBe('');

    stack.startAgent();
    await stack.agent.waitForLine(/device scale-1 connected/);
    // The restarted agent holds no page session: the page locks, and opens again with the PIN.
    await eventually(() => page.getByTestId('lock').isVisible(), 30_000).toBe(true);
    await unlockPage(page);
    await eventually(() => page.getByTestId('agent-down').count(), 30_000).toBe(0);
    await eventually(() => text(page.getByTestId('link'))).toBe('Connected to the clinic');
    stack.write(weighing(64.1));
    await eventually(() => text(page.getByTestId('reading').first())).toContain('64.1 kg');
    expect(scriptErrors(page)).toEqual([]);
  });

  it('refuses other sites: a foreign Origin or Host gets 403 and nothing is opened', async () => {
    const { stack } = clinicStack();
    await track(stack).start();
    const api = new URL(await stack.apiUrl());
    const send = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: api.hostname, port: api.port, method: 'PUT', path: '/session', headers },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ patientId: 'pat-1' }));
      });
    const foreignOrigin = await send({ origin: 'http://evil.example', 'content-type': 'text/plain' });
    expect(foreignOrigin.status).toBe(403);
    expect(JSON.parse(foreignOrigin.body)).toMatchObject({ code: 'FOREIGN_ORIGIN' });
    const rebound = await send({ host: `evil.example:${api.port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ code: 'FOREIGN_HOST' });
    expect((await withSession(stack, '/session')).status).toBe(404);
    // The page itself, from its own origin and with its session, may.
    const own = await send({ origin: api.origin, cookie: await stack.pageCookie() });
    expect(own.status).toBe(200);
  });

  it('starts locked, opens with the PIN, and locks itself when left alone, forgetting the patient', async () => {
    // Six seconds instead of three minutes.
    const { stack } = clinicStack({ pageLockAfterMinutes: 0.1 });
    await track(stack).start();
    const page = await browser.newPage({ viewport: { width: 1024, height: 600 } });
    await page.goto(`${await stack.apiUrl()}/?lang=en`);
    await eventually(() => page.getByTestId('lock').isVisible()).toBe(true);
    // Every key of the pad is on the 1024×600 screen, large enough for a finger.
    for (const key of await page.locator('#pin-pad button').all()) {
      const box = await key.boundingBox();
      expect(box !== null && box.y + box.height <= 600 && box.height >= 44).toBe(true);
    }
    for (const digit of '0000') await page.locator(`#pin-pad [data-key="${digit}"]`).click();
    await page.locator('#pin-pad [data-key="open"]').click();
    await eventually(() => text(page.getByTestId('lock-message'))).toBe('Wrong PIN.');
    await unlockPage(page);
    // A patient new to the clinic, registered from the page: name, NIK and birth date on screen.
    await page.getByLabel('NIK (16 digits)').fill(NEW_NIK);
    await page.getByRole('button', { name: 'Find' }).first().click();
    const form = page.getByTestId('register-form');
    await eventually(() => form.isVisible()).toBe(true);
    await form.getByLabel('Name').fill('Budi Santoso');
    await form.getByLabel('Birth date').fill('1988-04-25');
    await form.getByLabel('Male', { exact: true }).check();
    await form.getByRole('button', { name: 'Register' }).click();
    await eventually(() => text(page.getByTestId('patient'))).toContain('Budi Santoso');

    // Nobody touches the page: it locks, and the patient is gone from the page, not just hidden.
    await eventually(() => page.getByTestId('lock').isVisible(), 15_000).toBe(true);
    const body = [
      // What is on screen (innerText) and what is in the tree at all, hidden parts included.
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a passer-by reads
      await page.locator('body').innerText(),
      await page.locator('body').textContent(),
      await page.content(),
    ].join('\n');
    expect(body).not.toContain('Budi');
    expect(body).not.toContain(NEW_NIK);
    // The agent ended the session too: the page's cookie opens nothing.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'kd_page');
    const old = await fetch(`${await stack.apiUrl()}/session`, {
      headers: { cookie: `kd_page=${cookie?.value ?? 'none'}` },
    });
    expect(old.status).toBe(401);

    // Open again: a clean page; the lock button locks at once.
    await unlockPage(page);
    expect(await page.getByTestId('patient').count()).toBe(0);
    const fresh = (await page.context().cookies()).find((c) => c.name === 'kd_page');
    expect(fresh).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.getByTestId('lock-button').click();
    await eventually(() => page.getByTestId('lock').isVisible()).toBe(true);

    // On a phone the pad fits the width.
    await page.setViewportSize({ width: 360, height: 740 });
    for (const key of await page.locator('#pin-pad button').all()) {
      const box = await key.boundingBox();
      expect(box !== null && box.x >= 0 && box.x + box.width <= 360).toBe(true);
    }
  });
});
