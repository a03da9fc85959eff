import { createContourMeterSimulator } from '@klinik-desa/devices/simulate';
import { type DiskStatus, type GlucoseMeasurement, type KioskEvent, topics } from '@klinik-desa/protocol';
import { createPtyPair, type PtyPair, TEST_PAGE_PIN, waitFor } from '@klinik-desa/testkit';
import mqtt from 'mqtt';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { playDevice } from '../src/device-player.js';
import { Stack, weighing } from '../src/stack.js';
import { mountSmallDisk, type SmallDisk } from '../src/tmpfs.js';

const glucose = (sequenceNumber: number, mgdl: number): GlucoseMeasurement => ({
  kind: 'glucose',
  concentration: { value: mgdl, unit: 'mg/dL' },
  specimen: 'capillary-plasma',
  sequenceNumber,
  deviceTime: `2026-11-2${sequenceNumber}T07:30`,
});
const MEMORY = [glucose(1, 104), glucose(2, 212), glucose(3, 89), glucose(4, 131), glucose(5, 97)];

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The kiosk page, unlocked with the test PIN on its keypad. */
async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.getByTestId('lock').waitFor({ state: 'visible' });
  for (const digit of TEST_PAGE_PIN) await page.locator(`#pin-pad [data-key="${digit}"]`).click();
  await page.locator('#pin-pad [data-key="open"]').click();
  await page.getByTestId('lock').waitFor({ state: 'hidden' });
  return page;
}

/** The ids the agent logged for one pattern of line, e.g. "reading kept in the outbox". */
function idsLogged(output: string, line: string): string[] {
  const pattern = new RegExp(`"readingId":"([0-9a-f-]{36})"[^\\n]*${line}`, 'g');
  return [...output.matchAll(pattern)].map((m) => m[1] as string);
}

describe('a kiosk whose outbox disk fills up (a 2 MB tmpfs)', () => {
  let tmpfs: SmallDisk | undefined;
  let stack: Stack | undefined;
  let meterPty: PtyPair | undefined;
  let meter: ReturnType<typeof playDevice> | undefined;
  let watcher: mqtt.MqttClient | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    try {
      await browser?.close();
      await meter?.stop();
      await watcher?.endAsync();
      await stack?.stop();
      await meterPty?.close();
    } finally {
      tmpfs?.unmount();
    }
  });

  it('keeps working: holds the scale, leaves the meter unacknowledged, survives kill -9, and every kept reading arrives once', async (ctx) => {
    const mounted = mountSmallDisk('2m');
    if ('unavailable' in mounted) return ctx.skip(`needs a small disk to fill: ${mounted.unavailable}`);
    tmpfs = mounted;
    stack = new Stack({
      mqttVersion: 5,
      receiptTimeoutSeconds: 2,
      outboxDir: mounted.dir,
      outboxYaml:
        'disk: { reserveMb: 0.25, warnFreeMb: 0.5, checkSeconds: 1, askAgainSeconds: 1, holdReadings: 500 }',
      beforeAgent: async (s) => {
        meterPty = await createPtyPair('meter', s.dir);
      },
      deviceYaml: (s) =>
        [
          `  - { id: scale-1, protocol: ad-scale, port: "${s.pty.agentPath}", baudRate: 9600 }`,
          `  - { id: meter-1, protocol: bayer-contour, port: "${meterPty?.agentPath}", dialogue: { enqTimeoutMs: 1000 } }`,
        ].join('\n'),
    });
    await stack.start();
    const s = stack;
    watcher = await mqtt.connectAsync(s.broker.url, { protocolVersion: 5 });
    const events: KioskEvent[] = [];
    watcher.on('message', (_, payload) => events.push(JSON.parse(payload.toString()) as KioskEvent));
    await watcher.subscribeAsync(topics.events('clinic-1', 'kiosk-1'), { qos: 1 });

    const weights: number[] = [];
    let next = 50;
    const weighOne = async () => {
      next += 0.7;
      const kg = Math.round(next * 100) / 100;
      weights.push(kg);
      s.write(weighing(kg, 3));
      await new Promise((r) => setTimeout(r, 250));
    };
    const status = async () =>
      (await (await fetch(`${await s.apiUrl()}/status`)).json()) as { disk: DiskStatus; warnings: string[] };
    const dial = (memory: GlucoseMeasurement[]) => {
      meter = playDevice(meterPty?.devicePath as string, createContourMeterSimulator(memory));
    };
    const transfers = () => s.agent.output().match(/the device finished its transfer/g)?.length ?? 0;
    const heldSoFar = () => idsLogged(s.agent.output(), 'reading held in memory').length;
    /** Weighs until the agent holds one more reading in memory: the outbox's disk is full. */
    const weighUntilHeld = async () => {
      const before = heldSoFar();
      for (let i = 0; i < 60 && heldSoFar() === before; i++) await weighOne();
      expect(heldSoFar()).toBeGreaterThan(before);
    };

    // 1. Room on the disk: three weighings and a meter's memory of three records arrive.
    for (let i = 0; i < 3; i++) await weighOne();
    dial(MEMORY.slice(0, 3));
    await s.waitForRecords(6, 40_000);
    await waitFor(() => transfers() >= 1, { timeoutMs: 20_000, what: 'the first transfer' });
    await meter?.stop();

    // 2. The disk fills: the scale's readings are held in memory, the meter's new records are not
    //    acknowledged, and the agent says so and keeps running.
    mounted.fill();
    await weighUntilHeld();
    for (let i = 0; i < 3; i++) await weighOne();
    dial(MEMORY);
    await s.agent.waitForLine(/records from meter-1 could not be kept/, 20_000);
    const full = await status();
    expect(full.disk).toMatchObject({ state: 'full', dropped: 0 });
    expect(full.disk.held).toBeGreaterThan(0);
    expect(full.warnings.join(' ')).toMatch(/disk is full/);
    await waitFor(() => events.some((e) => e.type === 'disk-full'), { what: 'a disk-full event' });
    // The health worker sees it on the kiosk page.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await openPage(browser, await s.apiUrl());
    await page.getByTestId('disk-full').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByTestId('disk-full').textContent()).toMatch(/PENYIMPANAN KIOSK PENUH/);
    expect(s.agent.output()).not.toMatch(/SQLITE_FULL[^\n]*uncaught|Uncaught/i);

    // 3. Space is freed: the held readings are written, and the meter, dialed again, hands over
    //    the records it was never told were kept.
    expect(s.records().filter((r) => r.kind === 'glucose')).toHaveLength(3);
    mounted.free();
    await s.agent.waitForLine(/the kiosk's disk has space again/, 20_000);
    await waitFor(() => events.some((e) => e.type === 'disk-recovered'), { what: 'a disk-recovered event' });
    await page.getByTestId('disk-full').waitFor({ state: 'detached', timeout: 10_000 });
    await meter?.stop();
    dial(MEMORY);
    await waitFor(() => s.records().filter((r) => r.kind === 'glucose').length >= 5, {
      timeoutMs: 40_000,
      what: 'the meter records 4 and 5',
    });
    await s.waitForRecords(weights.length + 5, 30_000);
    await meter?.stop();
    meter = undefined;
    expect((await status()).disk.state).not.toBe('full');

    // 4. Full again, and the agent is killed: it starts on the full disk and works degraded.
    mounted.fill();
    await weighUntilHeld();
    const firstRun = s.agent.output();
    await s.agent.kill9();
    /** Starts the agent on the full disk: it stays up and says so, rather than exiting again. */
    const restartOnFullDisk = async () => {
      s.startAgent();
      await s.agent.waitForLine(/device scale-1 connected/, 20_000);
      const exited = await Promise.race([
        s.agent.exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 2000)),
      ]);
      expect(exited, 'the agent exited on the full disk').toBe(false);
      // Full, or low when stopping gave back enough room to make the reserve again.
      expect(['low', 'full']).toContain((await status()).disk.state);
    };
    await restartOnFullDisk();
    // Stopped cleanly and started again, still full: the same.
    await s.agent.stop();
    await restartOnFullDisk();
    await weighUntilHeld();
    for (let i = 0; i < 2; i++) await weighOne();
    expect((await status()).disk).toMatchObject({ state: 'full', held: 3 });
    mounted.free();
    await s.agent.waitForLine(/the kiosk's disk has space again/, 20_000);

    // Every reading the agent said it kept, or held while it kept running, arrives exactly once;
    // the readings held by the killed agent went with its memory.
    const lostWithKill = new Set(
      idsLogged(firstRun, 'reading held in memory').filter(
        (id) => !idsLogged(firstRun, 'reading kept in the outbox').includes(id),
      ),
    );
    const secondRun = s.agent.output();
    const promised = new Set([
      ...idsLogged(firstRun, 'reading kept in the outbox'),
      ...idsLogged(secondRun, 'reading kept in the outbox'),
      ...idsLogged(secondRun, 'reading held in memory'),
    ]);
    await waitFor(
      () => {
        const ids = new Set(s.records().map((r) => r.id));
        return [...promised].every((id) => ids.has(id)) && s.outboxDepth() === 0;
      },
      { timeoutMs: 40_000, what: 'every kept reading in the clinic record' },
    );
    await new Promise((r) => setTimeout(r, 2500));
    const records = s.records();
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of promised) expect(ids).toContain(id);
    const glucoseSequence = records.filter((r) => r.kind === 'glucose').map((r) => r.device.sequenceNumber);
    expect(glucoseSequence.sort()).toEqual([1, 2, 3, 4, 5]);
    const kgs = records.filter((r) => r.kind === 'weight').map((r) => r.values[0]?.value as number);
    expect(new Set(kgs).size).toBe(kgs.length);
    for (const kg of kgs) expect(weights).toContain(kg);
    expect(s.agent.output()).not.toMatch(/"dropped":[1-9]/);
    console.info(
      `full disk: ${weights.length} weighings, ${promised.size} readings kept or held, ` +
        `${idsLogged(firstRun, 'reading held in memory').length + idsLogged(secondRun, 'reading held in memory').length} held, ` +
        `${lostWithKill.size} lost with the killed agent's memory, ${records.length} in the record`,
    );
  }, 240_000);
});
