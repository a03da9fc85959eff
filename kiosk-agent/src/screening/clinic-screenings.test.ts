import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { clinicClient } from './clinic-client.js';
import { ClinicScreenings } from './clinic-screenings.js';
import { ScreeningState } from './screening-state.js';
import { kioskBase, unreachableClinic } from './test-configs.js';

describe('ClinicScreenings', () => {
  it('opens the screening at the kiosk when the clinic cannot be reached, and says so', async () => {
    const config = unreachableClinic;
    const state = new ScreeningState(undefined);
    const screenings = new ClinicScreenings(config, state, pino({ level: 'silent' }), clinicClient(config));
    const opened = await screenings.open({ patientId: 'pat-1' });
    expect(opened.onServer).toBe(false);
    expect(opened.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.current()?.patientId).toBe('pat-1');
    expect(await screenings.close()).toMatchObject({ finished: false });
    expect(state.pendingFinishes()).toEqual([]);
  });

  it('keeps a finish that could not be sent, across a restart, until it is sent', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kd-screening-')), 'outbox.db.session.json');
    const state = new ScreeningState(file);
    state.open({
      sessionId: 'scr-1',
      patientId: 'pat-1',
      onServer: true,
      openedAt: new Date().toISOString(),
    });
    state.close();
    state.queueFinish('scr-1');
    const again = new ScreeningState(file);
    expect(again.pendingFinishes()).toEqual(['scr-1']);
    again.finishDone('scr-1');
    expect(new ScreeningState(file).pendingFinishes()).toEqual([]);
  });

  it('assigns an earlier reading only to a screening open at the clinic', async () => {
    const state = new ScreeningState(undefined);
    const screenings = new ClinicScreenings(
      parseConfig(kioskBase),
      state,
      pino({ level: 'silent' }),
      undefined,
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

  it('works without a clinic API: local screenings only', async () => {
    const state = new ScreeningState(undefined);
    const screenings = new ClinicScreenings(
      parseConfig(kioskBase),
      state,
      pino({ level: 'silent' }),
      undefined,
    );
    expect((await screenings.open({ patientId: 'pat-2', sessionId: 'given' })).sessionId).toBe('given');
  });
});
