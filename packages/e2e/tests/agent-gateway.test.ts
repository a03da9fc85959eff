import { createGatewaySimulator } from '@klinik-desa/devices/simulate';
import type { BloodPressureMeasurement, DeviceStatus, GlucoseMeasurement } from '@klinik-desa/protocol';
import { waitFor } from '@klinik-desa/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { gatewayYaml } from '../src/gateway-yaml.js';
import {
  fhirObservations,
  meterTimeNow,
  openScreening,
  type SatusehatClinic,
  satusehatFakePerFile,
  satusehatStack,
} from '../src/satusehat-stack.js';
import { Stack, stackPerTest } from '../src/stack.js';

const BP_MONITOR = 'A0:11:22:33:44:01';
const GLUCOMETER = 'A0:11:22:33:44:02';
const SECOND_METER = 'A0:11:22:33:44:03';

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
      deviceYaml: gatewayYaml([BP_MONITOR, { address: GLUCOMETER, records: 'all' }]),
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

describe('two glucometers behind one gateway', () => {
  const track = stackPerTest();
  const fake = satusehatFakePerFile();

  it("keeps both meters' records when their sequence numbers overlap, each named by its address up to FHIR; a BP monitor's identity and clock", async () => {
    const { stack, clinic } = satusehatStack(
      fake(),
      gatewayYaml([
        BP_MONITOR,
        { address: GLUCOMETER, records: 'all' },
        { address: SECOND_METER, records: 'all' },
      ]),
    );
    await track(stack).start();
    const sessionId = await openScreening(stack, clinic().patient.id);
    const now = meterTimeNow();
    const sim = createGatewaySimulator({
      devices: [
        {
          // A monitor with Device Information and a Current Time Service; the meters have neither.
          address: BP_MONITOR,
          name: 'UA-651BLE',
          measurements: [bp],
          information: MONITOR_IDENTITY,
          currentTimeService: true,
        },
        {
          address: GLUCOMETER,
          name: 'Contour Plus One',
          glucoseRecords: [record(1, 96, now), record(2, 101, now)],
        },
        {
          address: SECOND_METER,
          name: 'Accu-Chek Guide',
          glucoseRecords: [record(1, 143, now), record(2, 155, now)],
        },
      ],
    });
    const meters = playDevice(stack.pty.devicePath, sim, sim.boot());
    try {
      await bothMetersArrive(stack, sessionId, clinic().admin);
      await monitorIdentifiedAndSet(stack, sessionId, clinic().admin, sim.clockWrites);
    } finally {
      await meters.stop();
    }
  }, 90_000);
});

const MONITOR_IDENTITY = {
  manufacturer: 'A&D Medical',
  model: 'UA-651BLE',
  serialNumber: '5140300123',
  firmware: '1.4.2',
};

/**
 * The monitor's reading carries what it said of itself into the record and the FHIR Device; its
 * clock was set to the kiosk's time in Jakarta; the status says so, and that the meters' cannot be.
 */
async function monitorIdentifiedAndSet(
  stack: Stack,
  sessionId: string,
  admin: SatusehatClinic['admin'],
  clockWrites: readonly { address: string; localTime: string }[],
) {
  const reading = stack.records().find((r) => r.kind === 'blood-pressure');
  expect(reading?.device).toMatchObject({ address: BP_MONITOR, ...MONITOR_IDENTITY });
  const bundle = await admin.request<{ entry: { fullUrl: string; resource: Record<string, unknown> }[] }>(
    'GET',
    `/screenings/${sessionId}/fhir`,
  );
  const observation = (await fhirObservations(admin, sessionId)).find((o) =>
    o.identifier.some((i) => i.value.startsWith(`${reading?.id}.`)),
  );
  const device = bundle.body.entry.find((e) => e.fullUrl === observation?.device?.reference)?.resource;
  expect(device).toMatchObject({
    resourceType: 'Device',
    manufacturer: 'A&D Medical',
    modelNumber: 'UA-651BLE',
    serialNumber: '5140300123',
    version: [{ value: '1.4.2' }],
  });

  expect(clockWrites.map((w) => w.address)).toEqual([BP_MONITOR]);
  const jakartaNow = Date.parse(`${meterTimeNow(true)}Z`);
  expect(Math.abs(Date.parse(`${clockWrites[0]?.localTime}Z`) - jakartaNow)).toBeLessThan(60_000);

  const status = await waitFor(
    async () => {
      const res = await fetch(new URL('/status', await stack.apiUrl()));
      const body = (await res.json()) as { devices: DeviceStatus[] };
      const behind = body.devices[0]?.behind ?? [];
      return behind.length === 3 && behind.every((b) => b.clock) ? behind : undefined;
    },
    { timeoutMs: 10_000, what: 'the status of the three devices behind the gateway' },
  );
  const clockOf = (address: string) => status.find((b) => b.address === address)?.clock;
  expect(clockOf(BP_MONITOR)).toMatchObject({ state: 'set', at: expect.any(String) });
  expect(clockOf(GLUCOMETER)).toEqual({ state: 'unsupported' });
  expect(clockOf(SECOND_METER)).toEqual({ state: 'unsupported' });
}

async function bothMetersArrive(stack: Stack, sessionId: string, admin: SatusehatClinic['admin']) {
  const all = await stack.waitForRecords(5, 40_000);
  await stack.waitForEmptyOutbox();
  const records = all.filter((r) => r.kind === 'glucose');
  const seen = records
    .map((r) => [
      r.device.address,
      r.device.sequenceNumber,
      r.values.find((v) => v.name === 'glucose')?.value,
    ])
    .sort((a, b) => String(a).localeCompare(String(b)));
  expect(seen).toEqual([
    [GLUCOMETER, 1, 96],
    [GLUCOMETER, 2, 101],
    [SECOND_METER, 1, 143],
    [SECOND_METER, 2, 155],
  ]);
  expect(records.every((r) => r.device.id === 'gateway-1' && r.sessionId === sessionId)).toBe(true);

  const observations = await fhirObservations(admin, sessionId);
  const deviceOf = (id: string) =>
    observations.find((o) => o.identifier.some((i) => i.value === `${id}.glucose`))?.device;
  for (const reading of records) {
    expect(deviceOf(reading.id)?.display).toBe(`${reading.device.address} via gateway-1`);
  }
  const references = new Set(records.map((r) => deviceOf(r.id)?.reference));
  expect(references.size).toBe(2);
}
