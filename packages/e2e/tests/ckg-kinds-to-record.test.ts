// The free health check's point-of-care numbers, end to end with real processes: a OneTouch Ultra 2
// on a socat pty whose memory holds a HI result, and cholesterol and haemoglobin typed on the kiosk
// page in Chromium, through the agent, Mosquitto and the clinic server into the record and the
// FHIR Bundle with their LOINC and UCUM codes.
import { createOneTouchMeterSimulator } from '@klinik-desa/devices/simulate';
import type { GlucoseMeasurement, Reading } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { launchChromium, openKioskPage, unlockPage } from '../src/kiosk-browser.js';
import {
  fhirObservations,
  meterTimeNow,
  openScreening,
  satusehatFakePerFile,
  satusehatStack,
} from '../src/satusehat-stack.js';
import { stackPerTest } from '../src/stack.js';

const fake = satusehatFakePerFile();

describe('cholesterol, haemoglobin and a OneTouch HI from the kiosk to the record and SATUSEHAT', () => {
  const track = stackPerTest();

  it('keeps typed point-of-care values and a meter limit with their codes, flags and comparators', async () => {
    const { stack, clinic } = satusehatStack(
      fake(),
      (s) => `  - { id: meter-1, protocol: onetouch-ultra2, port: "${s.pty.agentPath}" }`,
    );
    await track(stack).start();
    const { admin, patient } = clinic();
    const sessionId = await openScreening(stack, patient.id);

    // The meter stored a result it showed as HI: a number above its 600 mg/dL range.
    const hi: GlucoseMeasurement = {
      kind: 'glucose',
      concentration: { value: 600, unit: 'mg/dL', comparator: '>' },
      annunciations: ['result-above-device-range'],
      deviceTime: meterTimeNow(true),
      extra: { reportedValue: 601 },
    };
    const meter = playDevice(stack.pty.devicePath, createOneTouchMeterSimulator([hi]));
    const browser = await launchChromium();
    try {
      const page = await openKioskPage(browser, `${await stack.apiUrl()}/?lang=en`);
      await unlockPage(page);
      const type = async (testId: string, label: string, value: string) => {
        const form = page.getByTestId(testId);
        await form.getByLabel(label).fill(value);
        await form.getByRole('button', { name: 'Save' }).click();
        await expect.poll(() => page.getByTestId('typed-message').textContent()).toBe('Saved.');
        await page.getByTestId('typed-message').evaluate((p) => {
          p.textContent = '';
        });
      };
      await type('typed-haemoglobin', 'Haemoglobin (g/dL)', '10,5');
      // The meter showed HI: typed as its limit.
      await type('typed-cholesterol', 'Total cholesterol (mg/dL)', '>400');
      const values = page.locator('[data-testid="reading"] .value');
      await expect
        .poll(() => values.allTextContents(), { timeout: 20_000 })
        .toEqual(expect.arrayContaining(['10.5 g/dL', 'HI (> 400 mg/dL)', 'HI (> 600 mg/dL)']));

      const records = await stack.waitForRecords(3, 40_000);
      await stack.waitForEmptyOutbox();
      const ofKind = (kind: Reading['kind']) => records.find((r) => r.kind === kind)!;
      expect(ofKind('haemoglobin')).toMatchObject({
        sessionId,
        device: { protocol: 'manual' },
        values: [{ name: 'haemoglobin', code: '718-7', value: 10.5, unit: 'g/dL' }],
      });
      // A woman of 46 with 10.5 g/dL: moderate anaemia, referred.
      expect(ofKind('haemoglobin').flags.map((f) => [f.code, f.severity])).toContainEqual([
        'haemoglobin.women.moderate',
        'refer',
      ]);
      expect(ofKind('cholesterol').values[0]).toMatchObject({ code: '2093-3', value: 400, comparator: '>' });
      expect(ofKind('cholesterol').flags.map((f) => f.code)).toEqual(['cholesterol.above-device-range']);
      expect(ofKind('glucose').values[0]).toMatchObject({ value: 600, comparator: '>', unit: 'mg/dL' });
      expect(ofKind('glucose').flags.map((f) => f.code)).toContain('glucose.above-device-range');

      const observations = await fhirObservations(admin, sessionId);
      const byLoinc = (code: string) => observations.find((o) => o.code.coding.some((c) => c.code === code));
      expect(byLoinc('718-7')?.valueQuantity).toMatchObject({ value: 10.5, code: 'g/dL' });
      expect(byLoinc('2093-3')?.valueQuantity).toMatchObject({ value: 400, comparator: '>', code: 'mg/dL' });
      expect(byLoinc('41653-7')?.valueQuantity).toMatchObject({ value: 600, comparator: '>', code: 'mg/dL' });
    } finally {
      await browser.close();
      await meter.stop();
    }
  }, 90_000);
});
