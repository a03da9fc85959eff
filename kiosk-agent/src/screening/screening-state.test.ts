import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    const taken = (s: ScreeningState) => {
      const ids: string[] = [];
      s.takeLegacyFinishes((given) => ids.push(...given));
      return ids;
    };
    // Still in the file until kept elsewhere: a keeper that fails (a full disk) leaves them there.
    expect(() =>
      state.takeLegacyFinishes(() => {
        throw new Error('no space');
      }),
    ).toThrow('no space');
    expect(taken(new ScreeningState(file))).toEqual([owed]);
    expect(taken(state)).toEqual([owed]);
    expect(taken(state)).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ session: OPEN });
  });

  it.each([
    ['cut off mid-write', '{"session":{"sessionId":"0197', /not JSON/],
    ['of another shape', '{"session":{"who":"knows"},"pendingFinishes":[]}', /not a state file/],
    ['empty bytes of a lost write', '\u0000\u0000\u0000', /not JSON/],
    ['of no bytes at all', '', /empty/],
    ['of JSON null', 'null', /not a state file/],
  ])('keeps a file %s aside, says where, and starts with no screening open', (_what, content, reason) => {
    const { dir, file } = stateFile(content);
    const reported: DamagedFile[] = [];
    const state = new ScreeningState(
      file,
      (d) => reported.push(d),
      () => new Date('2026-12-07T02:03:04.005Z'),
    );
    expect(state.current()).toBeUndefined();
    const owed: string[] = [];
    state.takeLegacyFinishes((ids) => owed.push(...ids));
    expect(owed).toEqual([]);
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

  it('starts with no screening open when a folder stands where the file should be, and names it', () => {
    const { dir, file } = stateFile();
    mkdirSync(file);
    const reported: DamagedFile[] = [];
    const state = new ScreeningState(file, (d) => reported.push(d));
    expect(state.current()).toBeUndefined();
    expect(reported).toEqual([
      expect.objectContaining({ path: file, reason: expect.stringMatching(/cannot be read \(EISDIR\)/) }),
    ]);
    state.open(OPEN);
    expect(new ScreeningState(file).current()).toEqual(OPEN);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it.each([
    ['a field it does not know', { ...OPEN, printedBy: 'a newer agent' }, 'without printedBy'],
    ['an optional field that fails its check', { ...OPEN, ageYears: -3, sex: 'male' }, 'without ageYears'],
  ])('keeps the open screening of a file with %s, and the damaged file aside', (_what, session, said) => {
    const { file } = stateFile(JSON.stringify({ session }));
    const reported: DamagedFile[] = [];
    const state = new ScreeningState(file, (d) => reported.push(d));
    const expected = 'sex' in session ? { ...OPEN, sex: 'male' } : OPEN;
    expect(state.current()).toEqual(expected);
    expect(reported[0]?.recovered).toBe(`the open screening ${OPEN.sessionId} ${said}`);
    expect(JSON.parse(readFileSync(reported[0]!.keptAs, 'utf8'))).toEqual({ session });
    // Written back clean: the next start reads it without a complaint.
    const again: DamagedFile[] = [];
    expect(new ScreeningState(file, (d) => again.push(d)).current()).toEqual(expected);
    expect(again).toEqual([]);
  });

  it('keeps nothing of a screening without its patient', () => {
    const { patientId: _, ...noPatient } = OPEN;
    const { file } = stateFile(JSON.stringify({ session: noPatient }));
    const reported: DamagedFile[] = [];
    expect(new ScreeningState(file, (d) => reported.push(d)).current()).toBeUndefined();
    expect(reported[0]?.recovered).toBeUndefined();
  });
});
