import { createGatewaySimulator } from '@klinik-desa/devices/simulate';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { gatewayYaml } from '../src/gateway-yaml.js';
import { launchChromium, openKioskPage, scriptErrors, unlockPage } from '../src/kiosk-browser.js';
import { Stack, stackPerTest } from '../src/stack.js';

const MONITOR = 'A0:11:22:33:44:01';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('live values on the kiosk page', () => {
  const track = stackPerTest();

  it('shows the cuff pressure of a BP monitor behind the gateway while it inflates, and keeps none of it', async () => {
    const stack = track(
      new Stack({
        mqttVersion: 5,
        deviceYaml: gatewayYaml([MONITOR]),
      }),
    );
    await stack.start();
    const page = await openKioskPage(browser, `${await stack.apiUrl()}/?lang=en`);
    await unlockPage(page);
    // The cuff is still inflating: the monitor has sent its pressures (0x2A36) and no reading yet.
    const sim = createGatewaySimulator({
      devices: [{ address: MONITOR, name: 'UA-651BLE', cuffPressures: [42, 97, 158] }],
    });
    const gateway = playDevice(stack.pty.devicePath, sim, sim.boot());
    try {
      const live = page.getByTestId('live');
      await expect
        .poll(
          () =>
            live
              .first()
              .textContent({ timeout: 500 })
              .catch(() => undefined),
          { timeout: 20_000 },
        )
        .toBe(`${MONITOR}: measuring… cuff pressure 158 mmHg`);
      expect(await live.count()).toBe(1);
      await stack.agent.waitForLine(/device event device-connected/);
      expect(stack.outboxDepth()).toBe(0);
      expect(stack.records()).toEqual([]);
      expect(scriptErrors(page)).toEqual([]);
    } finally {
      await gateway.stop();
    }
  }, 90_000);
});
