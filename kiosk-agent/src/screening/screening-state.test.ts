import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DamagedFile, ScreeningState } from './screening-state.js';

const OPEN = {
  sessionId: '01973a00-0000-7000-8000-000000000001',
  patientId: '01973a00-0000-7000-8000-000000000002',
  openedAt: '2026-12-07T09:00:00+07:00',
};

function stateFile(content?: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kd-state-'));
  const file = join(dir, 'outbox.db.session.json');
  if (content !== undefined) writeFileSync(file, content);
  return { dir, file };
}

describe('the screening state file', () => {
  it('keeps the open screening across a restart, written whole', () => {
    const { file } = stateFile();
    const state = new ScreeningState(file);
    state.open({ ...OPEN, openQueued: true });
    state.openedAtClinic('01973a00-0000-7000-8000-00000000000f');
    expect(new ScreeningState(file).current()).toEqual({ ...OPEN, openQueued: true });
    state.openedAtClinic(OPEN.sessionId);
    expect(new ScreeningState(file).current()).toEqual({ ...OPEN, onServer: true });
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it("hands an earlier agent's finishes over once, and forgets them then", () => {
    const owed = '01973a00-0000-7000-8000-000000000009';
    const { file } = stateFile(JSON.stringify({ session: OPEN, pendingFinishes: [owed] }));
    const state = new ScreeningState(file);
    expect(state.current()).toEqual(OPEN);
    // Still in the file until taken: an agent stopped before its outbox kept them takes them again.
    expect(new ScreeningState(file).takeLegacyFinishes()).toEqual([owed]);
    expect(state.takeLegacyFinishes()).toEqual([owed]);
    expect(state.takeLegacyFinishes()).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ session: OPEN });
  });

  it.each([
    ['cut off mid-write', '{"session":{"sessionId":"0197', /not JSON/],
    ['of another shape', '{"session":{"who":"knows"},"pendingFinishes":[]}', /not a state file/],
    ['empty bytes of a lost write', '\u0000\u0000\u0000', /not JSON/],
  ])('keeps a file %s aside, says where, and starts with no screening open', (_what, content, reason) => {
    const { dir, file } = stateFile(content);
    const reported: DamagedFile[] = [];
    const state = new ScreeningState(
      file,
      (d) => reported.push(d),
      () => new Date('2026-12-07T02:03:04.005Z'),
    );
    expect(state.current()).toBeUndefined();
    expect(state.takeLegacyFinishes()).toEqual([]);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ path: file, keptAs: `${file}.damaged-2026-12-07T02-03-04-005Z` });
    expect(reported[0]!.reason).toMatch(reason);
    // Nothing is thrown away: the damaged bytes are there to look at, and the next write is clean.
    expect(readFileSync(reported[0]!.keptAs, 'utf8')).toBe(content);
    state.open(OPEN);
    expect(new ScreeningState(file).current()).toEqual(OPEN);
    expect(readdirSync(dir).sort()).toEqual(
      ['outbox.db.session.json', 'outbox.db.session.json.damaged-2026-12-07T02-03-04-005Z'].sort(),
    );
  });
});
