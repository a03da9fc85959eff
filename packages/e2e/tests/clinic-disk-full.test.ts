import { topics } from '@klinik-desa/protocol';
import { AGENT_CLI, runTsCli, TEST_PAGE_PIN, waitFor } from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, stackPerTest, weighing } from '../src/stack.js';
import { mountSmallDisk, type SmallDisk } from '../src/tmpfs.js';
import { weightReading } from '../src/weight-reading.js';

/** The outbox's entries by state, read beside the agent (or with it stopped). */
function outboxStates(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as {
      state: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  } finally {
    db.close();
  }
}

async function health(stack: Stack) {
  const res = await fetch(`${stack.clinicApiUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as { details?: { store?: { reason?: string } } } };
}

/** Distinct weights, one person each, so every reading can be told apart in the record. */
const kg = (i: number) => Math.round((50 + i * 0.7) * 10) / 10;

describe('the clinic never turns its own trouble into the reading’s fault', () => {
  const track = stackPerTest();
  let disk: SmallDisk | { unavailable: string };
  beforeAll(() => {
    disk = mountSmallDisk('8m');
  });
  afterAll(() => {
    if ('dir' in disk) disk.unmount();
  });

  it('keeps every reading through a full clinic disk and stores each once when space returns, with nobody resending', async (ctx) => {
    if (!('dir' in disk)) return ctx.skip(disk.unavailable);
    const small = disk;
    const stack = track(new Stack({ mqttVersion: 5, clinicDir: small.dir, receiptTimeoutSeconds: 2 }));
    await stack.start();
    let sent = 0;
    const weigh = () => stack.write(weighing(kg(sent++)));
    for (let i = 0; i < 5; i++) {
      weigh();
      await stack.waitForRecords(sent);
    }
    expect((await health(stack)).status).toBe(200);

    const filled = small.fill();
    // Weigh on until the clinic's commits fail: the record's WAL may still have room for a few.
    await waitFor(
      async () => {
        weigh();
        await new Promise((r) => setTimeout(r, 300));
        return (await health(stack)).status === 503;
      },
      { timeoutMs: 60_000, what: `the clinic to report its full disk (filler ${filled} bytes)` },
    );
    const trouble = await health(stack);
    expect(trouble.body.details?.store?.reason).toMatch(/^SQLITE_(FULL|IOERR)/);
    // The disk stays full while more people are weighed; the kiosk sends all of it again and again.
    for (let i = 0; i < 10; i++) {
      weigh();
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 3000));
    expect((await health(stack)).status).toBe(503);
    // A lone reading may still squeeze into the room a failed batch left; the rest wait.
    const heldBack = sent - stack.records().length;
    expect(heldBack).toBeGreaterThan(5);
    expect(outboxStates(stack.outboxDb)['rejected'] ?? 0).toBe(0);
    expect(stack.server.output()).toMatch(/cannot take readings now \(SQLITE_(FULL|IOERR)/);
    expect(stack.server.output()).not.toMatch(/rejected a reading/);

    small.free();
    const records = await stack.waitForRecords(sent, 60_000);
    await stack.waitForEmptyOutbox();
    expect(records).toHaveLength(sent);
    expect(new Set(records.map((r) => r.id)).size).toBe(sent);
    expect(records.map((r) => r.values[0]?.value).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: sent }, (_, i) => kg(i)),
    );
    // Healthy again once writes have worked for TROUBLE_HOLD_MS (10 s) without a failure.
    await waitFor(async () => (await health(stack)).status === 200, {
      timeoutMs: 20_000,
      what: 'the clinic healthy again',
    });
    expect(outboxStates(stack.outboxDb)['rejected'] ?? 0).toBe(0);
    console.log(
      `clinic disk full: ${sent} readings, ${heldBack} of them held back while the disk was full, each stored once after it was freed`,
    );
  });

  it('sends again, on the operator’s command, readings an older clinic rejected as UNSTORABLE', async () => {
    const stack = track(new Stack({ mqttVersion: 5, receiptTimeoutSeconds: 2 }));
    await stack.start();
    stack.write(weighing(61.2));
    await stack.waitForRecords(1);

    // What a clinic that blamed the readings for its full disk left in the outbox: rejected entries.
    await stack.agent.stop();
    const rejected = [1, 2, 3].map(() => weightReading('clinic-1', 'kiosk-1'));
    const outbox = new Database(stack.outboxDb);
    const insert = outbox.prepare(
      "INSERT INTO outbox (id, kind, topic, payload, state, attempts, created_at, reject_code, reject_message) VALUES (?, 'reading', ?, ?, 'rejected', 1, ?, 'UNSTORABLE', 'the clinic record could not store this reading')",
    );
    for (const r of rejected)
      insert.run(r.id, topics.readings('clinic-1', 'kiosk-1'), JSON.stringify(r), Date.now());
    outbox.close();

    stack.startAgent();
    await stack.agent.waitForLine(/connected to the broker/);
    const api = await stack.apiUrl();
    expect(outboxStates(stack.outboxDb)).toMatchObject({ rejected: 3 });

    const wrongPin = runTsCli(AGENT_CLI, ['resend', '--rejected', 'UNSTORABLE', '--url', api], {}, '0000\n');
    expect(wrongPin.code).toBe(1);
    expect(wrongPin.stderr).toMatch(/PIN_WRONG/);
    expect(outboxStates(stack.outboxDb)).toMatchObject({ rejected: 3 });

    const resend = runTsCli(
      AGENT_CLI,
      ['resend', '--rejected', 'UNSTORABLE', '--url', api],
      {},
      `${TEST_PAGE_PIN}\n`,
    );
    expect(resend.stderr).toBe('');
    expect(resend.stdout).toMatch(
      /sending again 3 readings and 0 screening requests rejected with UNSTORABLE/,
    );
    expect(resend.code).toBe(0);

    const records = await stack.waitForRecords(4);
    await stack.waitForEmptyOutbox();
    expect(records.map((r) => r.id).sort()).toEqual(
      [...rejected.map((r) => r.id), records.find((r) => r.values[0]?.value === 61.2)?.id].sort(),
    );
    expect(outboxStates(stack.outboxDb)['rejected'] ?? 0).toBe(0);
  });
});
