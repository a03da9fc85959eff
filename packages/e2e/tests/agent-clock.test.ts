import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContourMeterSimulator } from '@klinik-desa/devices/simulate';
import type { GlucoseMeasurement, Reading } from '@klinik-desa/protocol';
import { createPtyPair, type PtyPair, waitFor } from '@klinik-desa/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { Stack, weighing } from '../src/stack.js';

/** Debian's libfaketime (`apt-get install faketime`): fakes the wall clock of the agent process only. */
const LIBFAKETIME = ['x86_64-linux-gnu', 'aarch64-linux-gnu']
  .map((arch) => `/usr/lib/${arch}/faketime/libfaketime.so.1`)
  .find((path) => existsSync(path));

const YEAR_MS = 365 * 24 * 3600_000;
/** faketime's absolute form, in UTC (the agent runs with TZ=UTC). */
const fakeAt = (ms: number) => `@${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}\n`;
/** A meter's clock reading (WIB, the kiosk's zone) `agoMs` before the real now. */
const meterTime = (agoMs: number) => new Date(Date.now() - agoMs + 7 * 3600_000).toISOString().slice(0, 16);
const glucose = (sequenceNumber: number, mgdl: number, deviceTime: string): GlucoseMeasurement => ({
  kind: 'glucose',
  concentration: { value: mgdl, unit: 'mg/dL' },
  specimen: 'capillary-plasma',
  sequenceNumber,
  deviceTime,
});

describe.skipIf(!LIBFAKETIME)('the kiosk clock years behind, then stepped right (libfaketime)', () => {
  let stack: Stack | undefined;
  let meterPty: PtyPair | undefined;
  let meter: ReturnType<typeof playDevice> | undefined;
  afterEach(async () => {
    await meter?.stop();
    await stack?.stop();
    await meterPty?.close();
    stack = meter = meterPty = undefined;
  });

  it('flags or corrects every time, binds the meter, and stores its memory once across the step', async () => {
    const clockFile = () => join(stack!.dir, 'faketime');
    stack = new Stack({
      mqttVersion: 5,
      beforeAgent: async (s) => {
        meterPty = await createPtyPair('meter', s.dir);
        writeFileSync(join(s.dir, 'faketime'), fakeAt(Date.now() - 3 * YEAR_MS));
      },
      deviceYaml: (s) =>
        [
          `  - { id: scale-1, protocol: ad-scale, port: "${s.pty.agentPath}", baudRate: 9600 }`,
          `  - { id: meter-1, protocol: bayer-contour, port: "${meterPty!.agentPath}" }`,
        ].join('\n'),
      agentEnv: (s) => ({
        LD_PRELOAD: LIBFAKETIME,
        FAKETIME_TIMESTAMP_FILE: join(s.dir, 'faketime'),
        FAKETIME_NO_CACHE: '1',
        // Node's timers and performance.now() stay real: only the wall clock lies, as on a kiosk.
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
        TZ: 'UTC',
      }),
    });
    await stack.start();
    const s = stack;
    await s.agent.waitForLine(/device meter-1 connected/);
    const api = await s.apiUrl();
    const headers = { cookie: await s.pageCookie() };
    const opened = await fetch(`${api}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ patientId: 'pat-clock' }),
    });
    expect(opened.status).toBe(200);
    const { sessionId } = (await opened.json()) as { sessionId: string };

    // 1. Before any receipt the kiosk cannot know its clock is 3 years behind: the weighing says so.
    s.write(weighing(61.5));
    await s.waitForRecords(1);
    await s.agent.waitForLine(/the kiosk clock is \d+ s off the clinic's/);

    // 2. The meter's memory, its clock right: judged against the clinic's time, the recent record
    //    is bound to the screening, the old one kept unassigned.
    const memory = [glucose(1, 104, meterTime(5 * 60_000)), glucose(2, 212, meterTime(2 * 3600_000))];
    meter = playDevice(meterPty!.devicePath, createContourMeterSimulator(memory));
    await s.waitForRecords(3, 40_000);

    // 3. NTP steps the kiosk clock right, as the network comes.
    writeFileSync(clockFile(), fakeAt(Date.now()));
    s.write(weighing(72.25));
    await s.waitForRecords(4);

    // 4. The meter is plugged in again and hands over its memory, with one new record: only that
    //    one is new. (A dialogue that finished is read again when the port is opened again.)
    await meter.stop();
    await meterPty!.close();
    await s.agent.waitForLine(/device meter-1 lost|the port has disappeared/);
    meterPty = await createPtyPair('meter', s.dir);
    meter = playDevice(
      meterPty.devicePath,
      createContourMeterSimulator([...memory, glucose(3, 95, meterTime(60_000))]),
    );
    const transfers = () => s.agent.output().match(/device event transfer-complete/g)?.length ?? 0;
    await waitFor(() => transfers() >= 2, { timeoutMs: 40_000, what: 'a second transfer' });
    await s.waitForRecords(5);
    await s.waitForEmptyOutbox();
    await new Promise((r) => setTimeout(r, 1500));

    const records = s.records();
    const bySeq = (n: number) => records.filter((r) => r.device.sequenceNumber === n);
    expect(records).toHaveLength(5);
    for (const n of [1, 2, 3]) expect(bySeq(n)).toHaveLength(1);
    const weights = records.filter((r) => r.kind === 'weight');
    const real = Date.now();
    const near = (r: Reading | undefined) => Math.abs(Date.parse(r?.receivedAt ?? '') - real) < 5 * 60_000;

    // The first weighing was stamped by a clock not yet checked, and says so.
    expect(weights[0]?.clock).toEqual({ source: 'kiosk', trusted: false });
    expect(near(weights[0])).toBe(false);
    // The meter's records: its clock taken, no "set the device clock", the recent one bound.
    const [first, old, third] = [bySeq(1)[0], bySeq(2)[0], bySeq(3)[0]];
    for (const r of [first, old, third]) {
      expect(r).toMatchObject({ timeSource: 'device', clock: { source: 'device', trusted: true } });
      expect(r?.flags.map((f) => f.code).filter((c) => c.startsWith('time.'))).toEqual([]);
      expect(near(r)).toBe(true);
    }
    expect(first?.sessionId).toBe(sessionId);
    expect(third?.sessionId).toBe(sessionId);
    expect(old?.sessionId).toBeUndefined();
    expect(first?.clock?.offsetMs).toBeGreaterThan(2.9 * YEAR_MS);
    // After the step the kiosk clock is right, and trusted as it is.
    expect(weights[1]).toMatchObject({ sessionId, clock: { source: 'kiosk', trusted: true } });
    expect(near(weights[1])).toBe(true);
  }, 120_000);

  it("keeps a meter's memory once across a restart that finds the kiosk clock stepped by years", async () => {
    // The first run stamps its ages on a clock 3 years behind; the next boots with the right one.
    // Ages continue from what the outbox holds, so the restart prunes nothing it must remember.
    let stale = true;
    stack = new Stack({
      mqttVersion: 5,
      beforeAgent: async (s) => {
        meterPty = await createPtyPair('meter', s.dir);
        writeFileSync(join(s.dir, 'faketime'), fakeAt(Date.now() - 3 * YEAR_MS));
      },
      deviceYaml: () => `  - { id: meter-1, protocol: bayer-contour, port: "${meterPty!.agentPath}" }`,
      agentEnv: (s) =>
        stale
          ? {
              LD_PRELOAD: LIBFAKETIME,
              FAKETIME_TIMESTAMP_FILE: join(s.dir, 'faketime'),
              FAKETIME_NO_CACHE: '1',
              FAKETIME_DONT_FAKE_MONOTONIC: '1',
              TZ: 'UTC',
            }
          : { TZ: 'UTC' },
    });
    const s = stack;
    await s.start();
    const memory = [glucose(1, 104, meterTime(3 * 3600_000)), glucose(2, 212, meterTime(2 * 3600_000))];
    meter = playDevice(meterPty!.devicePath, createContourMeterSimulator(memory));
    await s.waitForRecords(2, 40_000);
    await s.waitForEmptyOutbox();
    await meter.stop();
    await meterPty!.close();

    await s.agent.stop();
    stale = false;
    meterPty = await createPtyPair('meter', s.dir);
    s.startAgent();
    await s.agent.waitForLine(/kiosk agent .* starting/);
    meter = playDevice(
      meterPty.devicePath,
      createContourMeterSimulator([...memory, glucose(3, 95, meterTime(60_000))]),
    );
    await s.agent.waitForLine(/device event transfer-complete/, 40_000);
    await s.waitForRecords(3, 40_000);
    await s.waitForEmptyOutbox();
    await new Promise((r) => setTimeout(r, 1500));
    const records = s.records();
    expect(records.map((r) => r.device.sequenceNumber).sort()).toEqual([1, 2, 3]);
  }, 120_000);
});
