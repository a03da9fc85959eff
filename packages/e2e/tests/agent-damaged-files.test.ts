import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { waitFor } from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Stack, stackPerTest, weighing } from '../src/stack.js';

/** Ids of the readings the agent said it kept (on disk before anyone is told), from its log. */
function keptIds(output: string): string[] {
  return [...output.matchAll(/"readingId":"([0-9a-f-]{36})"[^\n]*reading kept in the outbox/g)].map(
    (m) => m[1] as string,
  );
}

interface DamagedView {
  path: string;
  keptAs: string;
  reason: string;
  recovered?: string;
}

/** Restarts the agent on the damaged file; resolves with what its status says was damaged. */
async function restartOn(stack: Stack, file: string): Promise<DamagedView[]> {
  stack.startAgent();
  const escaped = file.replace(/[/.]/g, '\\$&');
  await stack.agent.waitForLine(new RegExp(`${escaped} could not be read`));
  await stack.agent.waitForLine(/device scale-1 connected/);
  const status = (await (await fetch(`${await stack.apiUrl()}/status`)).json()) as {
    damagedFiles: DamagedView[];
    warnings: string[];
    session: { sessionId: string } | null;
  };
  expect(status.warnings.some((w) => w.startsWith(`${file} was damaged`))).toBe(true);
  return status.damagedFiles;
}

/** Writes `length` bytes of garbage at `offset` of the file, as a half-written SD card block. */
function scribble(path: string, offset: number, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

/** A leaf page of the outbox table a quarter of the way in (readings the clinic already has). */
function confirmedLeafPage(outboxDb: string): { offset: number; size: number } {
  const db = new Database(outboxDb, { readonly: true });
  try {
    const size = db.pragma('page_size', { simple: true }) as number;
    const leaves = db
      .prepare("SELECT pageno FROM dbstat WHERE name = 'outbox' AND pagetype = 'leaf' ORDER BY path")
      .all() as { pageno: number }[];
    const page = leaves[Math.floor(leaves.length / 4)]?.pageno as number;
    return { offset: (page - 1) * size, size };
  } finally {
    db.close();
  }
}

describe('the kiosk agent starts on damaged files, names them, and loses nothing it confirmed', () => {
  const track = stackPerTest();

  it('survives a garbled outbox header, a damaged page and every damaged state file', async () => {
    const stack = await track(new Stack({ mqttVersion: 5 })).start();
    const sessionFile = `${stack.outboxDb}.session.json`;
    // Readings the clinic has: most of the outbox's pages.
    for (let i = 0; i < 60; i++) stack.write(weighing(40 + i / 10, 2));
    await stack.waitForRecords(60, 60_000);

    // The clinic goes away: the next readings wait in the outbox, confirmed only to the device.
    await stack.server.stop();
    const waiting = (from: number) => {
      for (let i = 0; i < 5; i++) stack.write(weighing(from + i / 10, 2));
    };
    waiting(80);
    await waitFor(() => keptIds(stack.agent.output()).length >= 65, { what: '65 readings kept' });
    const confirmed = new Set(keptIds(stack.agent.output()));

    // 1. The outbox's header garbled by a power cut.
    await stack.agent.stop();
    scribble(stack.outboxDb, 0, 100);
    let damaged = await restartOn(stack, stack.outboxDb);
    expect(damaged).toEqual([
      expect.objectContaining({
        path: stack.outboxDb,
        reason: expect.stringMatching(/^SQLITE_NOTADB/),
        recovered: expect.stringMatching(
          /^65 entries \(5 not yet confirmed by the clinic\) read back, past a garbled header$/,
        ),
      }),
    ]);
    waiting(90);
    await waitFor(() => keptIds(stack.agent.output()).length >= 5, { what: '5 more readings kept' });
    for (const id of keptIds(stack.agent.output())) confirmed.add(id);

    // 2. A page of the outbox in the middle overwritten (its readings were at the clinic already).
    await stack.agent.stop();
    const page = confirmedLeafPage(stack.outboxDb);
    scribble(stack.outboxDb, page.offset, page.size);
    damaged = await restartOn(stack, stack.outboxDb);
    expect(damaged[0]).toMatchObject({
      reason: expect.stringMatching(/^SQLITE_CORRUPT/),
      recovered: expect.stringMatching(/\(10 not yet confirmed by the clinic\) read back, \d+ unreadable$/),
    });

    // 3. The state file: cut off, NUL bytes, empty, a folder in its place. Each time the agent starts.
    const screening = {
      sessionId: '01973a00-0000-7000-8000-00000000abcd',
      patientId: 'pat-042',
      openedAt: new Date().toISOString(),
    };
    for (const [what, damage] of [
      ['cut off', () => writeFileSync(sessionFile, JSON.stringify({ session: screening }).slice(0, 40))],
      ['NUL bytes', () => writeFileSync(sessionFile, Buffer.alloc(512))],
      ['empty', () => writeFileSync(sessionFile, '')],
      ['a folder', () => mkdirSync(sessionFile)],
    ] as const) {
      await stack.agent.stop();
      rmSync(sessionFile, { recursive: true, force: true });
      damage();
      damaged = await restartOn(stack, sessionFile);
      expect(damaged, what).toEqual([expect.objectContaining({ path: sessionFile })]);
    }

    // 4. A state file with a field this agent does not know: the open screening is kept, and binds.
    await stack.agent.stop();
    writeFileSync(sessionFile, JSON.stringify({ session: { ...screening, printedBy: 'a newer agent' } }));
    damaged = await restartOn(stack, sessionFile);
    expect(damaged[0]?.recovered).toBe(`the open screening ${screening.sessionId} without printedBy`);
    stack.write(weighing(99.9, 2));
    await waitFor(() => keptIds(stack.agent.output()).length >= 1, { what: 'the bound reading kept' });
    const bound = keptIds(stack.agent.output());
    for (const id of bound) confirmed.add(id);

    // The clinic comes back: every reading the devices were told was kept arrives, once.
    await stack.startServer();
    const records = await waitFor(
      () => {
        const r = stack.records();
        return [...confirmed].every((id) => r.some((x) => x.id === id)) ? r : undefined;
      },
      { timeoutMs: 60_000, what: 'every confirmed reading in the clinic record' },
    );
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(records.find((r) => r.id === bound[0])).toMatchObject({
      sessionId: screening.sessionId,
      patientId: 'pat-042',
    });
    // Reporting a damaged state file puts no patient id into the log.
    expect(stack.agent.output()).not.toContain('pat-042');
  });
});
