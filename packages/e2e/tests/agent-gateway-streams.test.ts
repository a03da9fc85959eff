import { createGatewaySimulator } from '@klinik-desa/devices/simulate';
import type {
  BodyCompositionMeasurement,
  DeviceAnnunciation,
  PulseOximetryMeasurement,
} from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { gatewayYaml } from '../src/gateway-yaml.js';
import { Stack, stackPerTest } from '../src/stack.js';

const SCALE = 'A0:11:22:33:44:05';
const OXIMETER = 'A0:11:22:33:44:06';

/** One packet of a body-composition measurement too long for one notification (GATT 0x2A9C, bit 12). */
const packet = (fields: Partial<BodyCompositionMeasurement>, bodyFat = 24.3): BodyCompositionMeasurement => ({
  kind: 'body-composition',
  bodyFat: { value: bodyFat, unit: '%' },
  ...fields,
  extra: { multiplePacket: true },
});

describe('a two-packet body-composition measurement through the gateway', () => {
  const track = stackPerTest();

  it('becomes one reading with the fields of both packets; a first packet alone is reported, not kept', async () => {
    const stack = track(new Stack({ mqttVersion: 5, deviceYaml: gatewayYaml([SCALE]) }));
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

/** One continuous PLX value (GATT 0x2A5F), about one a second from a BLE fingertip oximeter. */
const plx = (spo2: number | null, ...annunciations: DeviceAnnunciation[]): PulseOximetryMeasurement => ({
  kind: 'pulse-oximetry',
  spo2: spo2 === null ? { value: null, unit: '%', missing: 'nan' } : { value: spo2, unit: '%' },
  pulseRate: { value: 72, unit: '/min' },
  ...(annunciations.length > 0 ? { annunciations } : {}),
  extra: { continuous: true },
});
const times = (n: number, m: PulseOximetryMeasurement) => Array.from({ length: n }, () => m);

describe('a continuous pulse oximeter through the gateway', () => {
  const track = stackPerTest();

  it('keeps one settled value per finger and honours what the PLX status says of each value', async () => {
    const stack = track(new Stack({ mqttVersion: 5, deviceYaml: gatewayYaml([OXIMETER]) }));
    await stack.start();
    const fingers = [
      // First finger: early estimates and an ongoing measurement never count; a questionable value
      // seen while it settled is kept, for re-measuring.
      ...times(3, plx(93, 'early-estimated-data')),
      ...times(2, plx(96, 'measurement-ongoing')),
      plx(97, 'questionable-measurement-detected'),
      ...times(8, plx(97)),
      plx(null),
      // Second finger: the oximeter calls the measurement invalid.
      plx(85, 'invalid-measurement-detected'),
      ...times(8, plx(85)),
      plx(null),
      // Third finger: clean.
      ...times(8, plx(98)),
    ];
    const sim = createGatewaySimulator({
      devices: [{ address: OXIMETER, name: 'Nonin 3230', measurements: fingers }],
    });
    const gateway = playDevice(stack.pty.devicePath, sim, sim.boot());
    try {
      const records = await stack.waitForRecords(3, 40_000);
      await stack.waitForEmptyOutbox();
      const rows = stack.records().map((r) => ({
        spo2: r.values.find((v) => v.name === 'spo2')?.value,
        annunciations: r.annunciations ?? [],
        flags: r.flags.map((f) => f.code).filter((c) => c.startsWith('device.')),
        address: r.device.address,
      }));
      expect(records.length).toBe(3);
      expect(rows).toEqual([
        {
          spo2: 97,
          annunciations: ['questionable-measurement-detected'],
          flags: ['device.remeasure'],
          address: OXIMETER,
        },
        {
          spo2: null,
          annunciations: ['invalid-measurement-detected'],
          flags: ['device.value-withheld'],
          address: OXIMETER,
        },
        { spo2: 98, annunciations: [], flags: [], address: OXIMETER },
      ]);
    } finally {
      await gateway.stop();
    }
  }, 90_000);
});
