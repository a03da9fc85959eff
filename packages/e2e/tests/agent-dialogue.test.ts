import { createContourMeterSimulator } from '@klinik-desa/devices/simulate';
import type { GlucoseMeasurement } from '@klinik-desa/protocol';
import { waitFor } from '@klinik-desa/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { Stack } from '../src/stack.js';

const glucose = (sequenceNumber: number, mgdl: number, deviceTime: string): GlucoseMeasurement => ({
  kind: 'glucose',
  concentration: { value: mgdl, unit: 'mg/dL' },
  specimen: 'capillary-plasma',
  sequenceNumber,
  deviceTime,
});

describe('a glucometer with a dialogue (Contour, ASTM E1381) on a serial port', () => {
  let stack: Stack | undefined;
  let meter: ReturnType<typeof playDevice> | undefined;
  afterEach(async () => {
    await meter?.stop();
    await stack?.stop();
    stack = meter = undefined;
  });

  it('reads the memory with ACK/NAK, stores each record once, and does not store it again on the next dump', async () => {
    stack = new Stack({
      mqttVersion: 5,
      deviceYaml: (s) => `  - { id: meter-1, protocol: bayer-contour, port: "${s.pty.agentPath}" }`,
    });
    await stack.start();
    const results = [
      glucose(1, 104, '2026-11-20T07:30'),
      glucose(2, 212, '2026-11-21T18:05'),
      glucose(3, 89, '2026-11-22T06:55'),
    ];
    // The header's first sending is corrupted: the agent must NAK it and take the resend.
    meter = playDevice(
      stack.pty.devicePath,
      createContourMeterSimulator(results, { corruptFirstSending: [0] }),
    );

    const records = await stack.waitForRecords(3, 40_000);
    await stack.waitForEmptyOutbox();
    expect(records.map((r) => r.device)).toEqual([
      { id: 'meter-1', protocol: 'bayer-contour', sequenceNumber: 1, time: '2026-11-20T07:30' },
      { id: 'meter-1', protocol: 'bayer-contour', sequenceNumber: 2, time: '2026-11-21T18:05' },
      { id: 'meter-1', protocol: 'bayer-contour', sequenceNumber: 3, time: '2026-11-22T06:55' },
    ]);
    expect(records.map((r) => r.values.find((v) => v.unit === 'mg/dL')?.value)).toEqual([104, 212, 89]);
    const host = meter.hostBytes();
    expect(host.includes(0x15), 'the agent sent NAK for the corrupted frame').toBe(true);
    expect(host.includes(0x06), 'the agent sent ACKs').toBe(true);
    expect(stack.agent.output()).toMatch(/"code":"BAD_CHECKSUM"/);

    // The meter is switched off and on again: the agent asks again, the meter dumps the same memory,
    // and the record must not get second copies (device + sequence number).
    await stack.agent.waitForLine(/the device finished its transfer/);
    await meter.stop();
    meter = playDevice(stack.pty.devicePath, createContourMeterSimulator(results));
    const transfers = () => stack?.agent.output().match(/the device finished its transfer/g)?.length ?? 0;
    await waitFor(() => transfers() >= 2, { timeoutMs: 40_000, what: 'a second transfer' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(stack.records()).toHaveLength(3);
  }, 60_000);
});
