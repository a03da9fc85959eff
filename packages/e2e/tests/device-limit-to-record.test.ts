import { encodeGatewayMessage, fromHex } from '@klinik-desa/devices';
import { createContourMeterSimulator, createGatewaySimulator } from '@klinik-desa/devices/simulate';
import type { BloodPressureMeasurement, GlucoseMeasurement, Reading } from '@klinik-desa/protocol';
import { TEST_PAGE_PIN, waitFor } from '@klinik-desa/testkit';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { gatewayYaml } from '../src/gateway-yaml.js';
import {
  fhirObservations,
  meterTimeNow,
  openScreening,
  satusehatFakePerFile,
  satusehatStack,
} from '../src/satusehat-stack.js';
import { Stack, stackPerTest } from '../src/stack.js';

const fake = satusehatFakePerFile();

describe('a device limit from the meter to the record and SATUSEHAT (real processes)', () => {
  const track = stackPerTest();

  it('keeps a Contour >600 and <20 as limits with their comparator and urgent flags, into the FHIR Bundle', async () => {
    const { stack, clinic } = satusehatStack(
      fake(),
      (s) => `  - { id: meter-1, protocol: bayer-contour, port: "${s.pty.agentPath}" }`,
    );
    await track(stack).start();
    const { admin } = clinic();
    const api = await stack.apiUrl();
    const sessionId = await openScreening(stack, clinic().patient.id);

    const at = meterTimeNow();
    const result = (
      seq: number,
      mgdl: number,
      beyond: GlucoseMeasurement['annunciations'],
    ): GlucoseMeasurement => ({
      kind: 'glucose',
      concentration: { value: mgdl, unit: 'mg/dL' },
      specimen: 'capillary-plasma',
      sequenceNumber: seq,
      deviceTime: at,
      annunciations: beyond ?? [],
    });
    const meter = playDevice(
      stack.pty.devicePath,
      createContourMeterSimulator([
        result(1, 600, ['result-above-device-range']),
        result(2, 20, ['result-below-device-range']),
      ]),
    );
    try {
      const records = await stack.waitForRecords(2, 40_000);
      await stack.waitForEmptyOutbox();
      const glucoseOf = (r: Reading) => r.values.find((v) => v.name === 'glucose');
      const [hi, lo] = records;
      expect(hi?.sessionId).toBe(sessionId);
      expect(glucoseOf(hi!)).toMatchObject({ value: 600, comparator: '>', unit: 'mg/dL' });
      expect(glucoseOf(lo!)).toMatchObject({ value: 20, comparator: '<', unit: 'mg/dL' });
      expect(hi?.flags.find((f) => f.code === 'glucose.above-device-range')).toMatchObject({
        severity: 'urgent',
      });
      expect(hi?.flags.find((f) => f.code === 'glucose.above-device-range')?.message?.id).toContain(
        'HI (> 600 mg/dL)',
      );
      expect(hi?.flags.some((f) => f.code.startsWith('glucose.random.'))).toBe(false);
      expect(lo?.flags.find((f) => f.code === 'glucose.below-device-range')).toMatchObject({
        severity: 'urgent',
      });

      const glucose = (await fhirObservations(admin, sessionId)).filter(
        (o) => o.valueQuantity?.code === 'mg/dL',
      );
      expect(glucose.map((o) => [o.valueQuantity?.comparator, o.valueQuantity?.value])).toEqual(
        expect.arrayContaining([
          ['>', 600],
          ['<', 20],
        ]),
      );
      expect(glucose.flatMap((o) => o.interpretation?.[0]?.coding.map((c) => c.code) ?? []).sort()).toEqual([
        '<',
        '>',
      ]);

      // The clinic API (and so the SDK) gives the limit with its comparator too.
      const observations = await admin.request<{
        data: { name: string; value: number; comparator?: string }[];
      }>('GET', `/observations?screeningId=${sessionId}`);
      expect(
        observations.body.data.filter((o) => o.name === 'glucose').map((o) => [o.comparator, o.value]),
      ).toEqual(
        expect.arrayContaining([
          ['>', 600],
          ['<', 20],
        ]),
      );

      // The health worker's page, in real Chromium, shows the limits as the meter does.
      const browser = await chromium.launch({
        executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      try {
        const page = await browser.newPage();
        await page.goto(api);
        for (const digit of TEST_PAGE_PIN) await page.locator(`#pin-pad [data-key="${digit}"]`).click();
        await page.locator('#pin-pad [data-key="open"]').click();
        // The value itself, not only the flag's text, reads as the limit.
        const values = page.locator('[data-testid="reading"] .value');
        await expect
          .poll(() => values.allTextContents(), { timeout: 20_000 })
          .toEqual(expect.arrayContaining(['HI (> 600 mg/dL)', 'LO (< 20 mg/dL)']));
      } finally {
        await browser.close();
      }
    } finally {
      await meter.stop();
    }
  }, 90_000);
});

describe('what a BP monitor says behind the BLE gateway, and a frame with reserved bits', () => {
  const track = stackPerTest();
  const MONITOR = 'A0:11:22:33:44:01';

  it('flags a loose cuff and an improper position, counts reserved status bits as RESERVED_BITS and keeps going', async () => {
    const stack = track(
      new Stack({
        mqttVersion: 5,
        deviceYaml: gatewayYaml([MONITOR]),
      }),
    );
    await stack.start();
    const bp: BloodPressureMeasurement = {
      kind: 'blood-pressure',
      systolic: { value: 132, unit: 'mm[Hg]' },
      diastolic: { value: 86, unit: 'mm[Hg]' },
      meanArterialPressure: { value: 101, unit: 'mm[Hg]' },
      annunciations: ['cuff-too-loose', 'improper-measurement-position'],
    };
    const sim = createGatewaySimulator({
      devices: [{ address: MONITOR, name: 'UA-651BLE', measurements: [bp] }],
    });
    const gateway = playDevice(stack.pty.devicePath, sim, sim.boot());
    try {
      const [first] = await stack.waitForRecords(1, 40_000);
      expect(first?.annunciations).toEqual(['cuff-too-loose', 'improper-measurement-position']);
      expect(first?.flags.filter((f) => f.code === 'device.remeasure').map((f) => f.message?.en)).toEqual([
        'The device reported a measurement problem (the cuff is too loose). Measure again.',
        'The device reported a measurement problem (improper measurement position). Measure again.',
      ]);

      const indication = (status: string) =>
        encodeGatewayMessage({
          type: 'indication',
          address: MONITOR,
          service: '1810',
          characteristic: '2a35',
          payload: fromHex(`10780050005d00${status}`),
        });
      // Bit 6 of the measurement status is reserved; then a clean reading (120/80) after it.
      stack.write(indication('4000'));
      stack.write(indication('0000'));
      const records = await stack.waitForRecords(2, 20_000);
      expect(records[1]?.values.find((v) => v.name === 'systolic')?.value).toBe(120);
      await waitFor(() => /"code":"RESERVED_BITS"/.test(stack.agent.output()), {
        what: 'the reserved-bits error in the agent log',
      });
      const status = (await (
        await fetch(`${await stack.apiUrl()}/status`, {
          headers: { cookie: await stack.pageCookie() },
        })
      ).json()) as { devices?: { errors?: Record<string, number> }[] };
      expect(status.devices?.[0]?.errors?.['RESERVED_BITS']).toBe(1);
    } finally {
      await gateway.stop();
    }
  }, 90_000);
});
