import { createGatewaySimulator } from '@klinik-desa/devices/simulate';
import type { BloodPressureMeasurement, GlucoseMeasurement } from '@klinik-desa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { Stack } from '../src/stack.js';

const BP_MONITOR = 'A0:11:22:33:44:01';
const GLUCOMETER = 'A0:11:22:33:44:02';

const bp: BloodPressureMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 128, unit: 'mm[Hg]' },
  diastolic: { value: 84, unit: 'mm[Hg]' },
  meanArterialPressure: { value: 99, unit: 'mm[Hg]' },
  pulseRate: { value: 71, unit: '/min' },
};
const record = (sequenceNumber: number, value: number, deviceTime: string): GlucoseMeasurement => ({
  kind: 'glucose',
  concentration: { value, unit: 'mg/dL' },
  specimen: 'capillary-whole-blood',
  sampleLocation: 'finger',
  sequenceNumber,
  deviceTime,
});

describe('BLE health devices through the BLE-to-serial gateway', () => {
  let stack: Stack | undefined;
  let gateway: ReturnType<typeof playDevice> | undefined;
  afterEach(async () => {
    await gateway?.stop();
    await stack?.stop();
    stack = gateway = undefined;
  });

  it('takes a BP monitor reading and a glucometer memory over RACP, and never asks for a delete', async () => {
    stack = new Stack({
      mqttVersion: 5,
      deviceYaml: (s) =>
        [
          `  - id: gateway-1`,
          '    protocol: ble-gateway',
          `    port: "${s.pty.agentPath}"`,
          '    dialogue:',
          '      devices:',
          `        - { address: "${BP_MONITOR}" }`,
          `        - { address: "${GLUCOMETER}", records: all }`,
        ].join('\n'),
    });
    await stack.start();
    const sim = createGatewaySimulator({
      devices: [
        { address: BP_MONITOR, name: 'UA-651BLE', measurements: [bp] },
        {
          address: GLUCOMETER,
          name: 'Contour Plus One',
          glucoseRecords: [record(7, 96, '2026-11-22T07:10'), record(8, 143, '2026-11-22T19:40')],
        },
      ],
    });
    gateway = playDevice(stack.pty.devicePath, sim, sim.boot());

    const records = await stack.waitForRecords(3, 40_000);
    await stack.waitForEmptyOutbox();
    const byKind = (kind: string) => records.filter((r) => r.kind === kind);
    expect(byKind('blood-pressure')).toHaveLength(1);
    expect(byKind('blood-pressure')[0]?.values.map((v) => [v.code, v.value])).toEqual(
      expect.arrayContaining([
        ['8480-6', 128],
        ['8462-4', 84],
      ]),
    );
    expect(byKind('glucose').map((r) => r.device.sequenceNumber)).toEqual([7, 8]);
    expect(sim.refusedRacpRequests).toEqual([]);
  });
});
