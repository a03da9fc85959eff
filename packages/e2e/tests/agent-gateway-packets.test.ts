import { createGatewaySimulator } from '@klinik-desa/devices/simulate';
import type { BodyCompositionMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { Stack, stackPerTest } from '../src/stack.js';

const SCALE = 'A0:11:22:33:44:05';

/** One packet of a body-composition measurement too long for one notification (GATT 0x2A9C, bit 12). */
const packet = (fields: Partial<BodyCompositionMeasurement>, bodyFat = 24.3): BodyCompositionMeasurement => ({
  kind: 'body-composition',
  bodyFat: { value: bodyFat, unit: '%' },
  ...fields,
  extra: { multiplePacket: true },
});

const gatewayYaml = (s: Stack) =>
  [
    '  - id: gateway-1',
    '    protocol: ble-gateway',
    `    port: "${s.pty.agentPath}"`,
    '    dialogue:',
    '      devices:',
    `        - { address: "${SCALE}" }`,
  ].join('\n');

describe('a two-packet body-composition measurement through the gateway', () => {
  const track = stackPerTest();

  it('becomes one reading with the fields of both packets; a first packet alone is reported, not kept', async () => {
    const stack = track(new Stack({ mqttVersion: 5, deviceYaml: gatewayYaml }));
    await stack.start();
    const sim = createGatewaySimulator({
      devices: [
        {
          address: SCALE,
          name: 'BF600',
          measurements: [
            packet({ height: { value: 1.68, unit: 'm' } }),
            packet({ weight: { value: 70.2, unit: 'kg' } }),
            // The first packet of a second measurement, whose second never comes.
            packet({ height: { value: 1.7, unit: 'm' } }, 31.5),
          ],
        },
      ],
    });
    const gateway = playDevice(stack.pty.devicePath, sim, sim.boot());
    try {
      await stack.agent.waitForLine(/INCOMPLETE_MEASUREMENT/, 30_000);
      await stack.waitForEmptyOutbox();
      const records = stack.records();
      expect(records).toHaveLength(1);
      const [reading] = records;
      expect(reading?.kind).toBe('body-composition');
      expect(reading?.device.address).toBe(SCALE);
      const values = Object.fromEntries(reading?.values.map((v) => [v.name, v.value]) ?? []);
      expect(values).toMatchObject({ bodyFat: 24.3, weight: 70.2, height: 168 });
    } finally {
      await gateway.stop();
    }
  }, 90_000);
});
