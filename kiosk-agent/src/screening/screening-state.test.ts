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
  it('keeps the open screening and the finishes still owed across a restart', () => {
    const { file } = stateFile();
    const state = new ScreeningState(file);
    state.open(OPEN);
    state.queueFinish('01973a00-0000-7000-8000-000000000009');
    const again = new ScreeningState(file);
    expect(again.current()).toEqual(OPEN);
    expect(again.pendingFinishes()).toEqual(['01973a00-0000-7000-8000-000000000009']);
    expect(existsSync(`${file}.tmp`)).toBe(false);
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
    expect(state.pendingFinishes()).toEqual([]);
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
