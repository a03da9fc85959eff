import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { OutboxFullError } from '../disk/no-space.js';
import { MemoryOutbox } from '../outbox/memory-outbox.js';
import { clinicClient } from './clinic-client.js';
import { ClinicScreenings } from './clinic-screenings.js';
import { ScreeningState } from './screening-state.js';
import { kioskBase, unreachableClinic } from './test-configs.js';

const silent = pino({ level: 'silent' });

describe('ClinicScreenings', () => {
  it('opens the screening here when the clinic cannot be reached, and keeps its open and finish in order', async () => {
    const config = unreachableClinic;
    const state = new ScreeningState(undefined);
    const outbox = new MemoryOutbox();
    const screenings = new ClinicScreenings(config, state, silent, clinicClient(config), outbox, 50);
    const opened = await screenings.open({ patientId: 'pat-1' });
    expect(opened).toMatchObject({ onServer: false, openQueued: true });
    expect(opened.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.current()?.patientId).toBe('pat-1');
    outbox.add({ id: 'r-1', topic: 'readings', payload: '{}' });
    expect(await screenings.close()).toMatchObject({ finished: false, sessionId: opened.sessionId });
    screenings.stop();
    expect(state.current()).toBeUndefined();
    // The open waits at the front (the clinic is still away); the reading and the finish behind it.
    expect(outbox.nextRequest()).toMatchObject({
      id: `open-screening:${opened.sessionId}`,
      kind: 'open-screening',
    });
    expect(JSON.parse(outbox.nextRequest()!.payload)).toMatchObject({
      id: opened.sessionId,
      patientId: 'pat-1',
      clinicId: 'clinic-1',
      kioskId: 'kiosk-1',
    });
    expect(outbox.nextToPublish(10)).toEqual([]);
    expect(outbox.get(`finish-screening:${opened.sessionId}`)).toMatchObject({ state: 'queued' });
  });

  it("takes over an earlier agent's finishes, and closes a screening whose finish it had kept", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kd-screening-')), 'outbox.db.session.json');
    const open = {
      sessionId: '01973a00-0000-7000-8000-000000000001',
      patientId: '01973a00-0000-7000-8000-000000000002',
      onServer: true,
      openedAt: '2026-12-07T09:00:00+07:00',
    };
    writeFileSync(file, JSON.stringify({ session: open, pendingFinishes: ['scr-owed'] }));
    const outbox = new MemoryOutbox();
    outbox.add({
      id: `finish-screening:${open.sessionId}`,
      kind: 'finish-screening',
      topic: 'POST',
      payload: '{}',
    });
    const state = new ScreeningState(file);
    const screenings = new ClinicScreenings(
      unreachableClinic,
      state,
      silent,
      clinicClient(unreachableClinic),
      outbox,
    );
    screenings.start();
    screenings.stop();
    expect(outbox.get('finish-screening:scr-owed')).toMatchObject({
      kind: 'finish-screening',
      state: 'queued',
    });
    expect(state.current()).toBeUndefined();
    expect(JSON.parse(readFileSync(file, 'utf8')).pendingFinishes).toBeUndefined();
  });

  it("leaves an earlier agent's finishes in its file when the outbox's disk is full, and starts", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kd-screening-')), 'outbox.db.session.json');
    writeFileSync(file, JSON.stringify({ session: null, pendingFinishes: ['scr-owed'] }));
    const full = new MemoryOutbox();
    full.add = () => {
      throw new OutboxFullError('the outbox disk is full');
    };
    const screenings = new ClinicScreenings(
      unreachableClinic,
      new ScreeningState(file),
      silent,
      clinicClient(unreachableClinic),
      full,
    );
    expect(() => screenings.start()).not.toThrow();
    screenings.stop();
    expect(JSON.parse(readFileSync(file, 'utf8')).pendingFinishes).toEqual(['scr-owed']);
  });

  it('assigns an earlier reading only to a screening open at the clinic', async () => {
    const state = new ScreeningState(undefined);
    const screenings = new ClinicScreenings(
      parseConfig(kioskBase),
      state,
      silent,
      undefined,
      new MemoryOutbox(),
    );
    await expect(screenings.assign('01a20984-10d9-70e5-9a89-b0f7a52dca18')).rejects.toMatchObject({
      status: 409,
      code: 'NO_CLINIC_SCREENING',
    });
    await screenings.open({ patientId: 'pat-3', sessionId: 'local-only' });
    await expect(screenings.assign('01a20984-10d9-70e5-9a89-b0f7a52dca18')).rejects.toMatchObject({
      code: 'NO_CLINIC_SCREENING',
    });
    expect(state.current()?.assigned).toBeUndefined();
  });

  it('works without a clinic API: local screenings only, nothing kept for the clinic', async () => {
    const state = new ScreeningState(undefined);
    const outbox = new MemoryOutbox();
    const screenings = new ClinicScreenings(parseConfig(kioskBase), state, silent, undefined, outbox);
    expect((await screenings.open({ patientId: 'pat-2', sessionId: 'given' })).sessionId).toBe('given');
    expect(await screenings.close()).toMatchObject({ finished: false });
    expect(outbox.stats().total).toBe(0);
  });
});
