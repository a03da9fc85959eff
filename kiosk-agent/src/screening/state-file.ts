import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OpenScreening } from './open-screening.js';

/**
 * The state file (`<outbox>.session.json`). Its key `session` and `sessionId` inside are the words
 * of files kiosks already keep, read again after an update: they stay. Finishes waiting for the
 * clinic were kept here by earlier agents (`pendingFinishes`); they are in the outbox now, and
 * such a file's are handed over to it once, at start.
 */
const StateFile = z.object({
  session: OpenScreening.nullable(),
  pendingFinishes: z.array(z.string()).optional(),
});
type StateFile = z.infer<typeof StateFile>;

/** Without these an open screening cannot bind a reading: nothing of it is worth keeping. */
const REQUIRED = new Set(['sessionId', 'patientId', 'openedAt']);

export type StateFileRead =
  | { ok: true; state: StateFile }
  /** `salvaged`: what could be trusted of a damaged file (an open screening whose extra or bad optional fields were left out). */
  | { ok: false; reason: string; salvaged?: StateFile; recovered?: string };

/** Reads the state file; never throws: whatever is wrong with it (a folder in its place, no read permission, half a JSON, NUL bytes) is said. */
export function readStateFile(file: string): StateFileRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { ok: false, reason: `cannot be read (${e.code ?? e.message})` };
  }
  if (text.trim() === '') return { ok: false, reason: 'empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  const parsed = StateFile.safeParse(json);
  if (parsed.success) return { ok: true, state: parsed.data };
  const reason = `not a state file: ${parsed.error.issues[0]?.message ?? 'unexpected content'} at ${parsed.error.issues[0]?.path.join('.') || 'the top'}`;
  return { ok: false, reason, ...salvage(json) };
}

/**
 * An open screening is worth keeping when its ids and opening time are intact: the next readings
 * still belong to that patient. Unknown fields (a newer agent's, a hand edit) and optional fields
 * that fail their check are left out; a finish id that is not a string is dropped.
 */
function salvage(json: unknown): { salvaged?: StateFile; recovered?: string } {
  if (typeof json !== 'object' || json === null) return {};
  const { session, pendingFinishes } = json as Record<string, unknown>;
  const finishes = Array.isArray(pendingFinishes)
    ? pendingFinishes.filter((f): f is string => typeof f === 'string')
    : [];
  const withFinishes = finishes.length > 0 ? { pendingFinishes: finishes } : {};
  if (typeof session !== 'object' || session === null)
    return finishes.length > 0
      ? { salvaged: { session: null, ...withFinishes }, recovered: `${finishes.length} finish(es)` }
      : {};
  const kept: Record<string, unknown> = {};
  const left: string[] = [];
  const shape = OpenScreening.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(session)) {
    if (shape[key]?.safeParse(value).success) kept[key] = value;
    else left.push(key);
  }
  const screening = OpenScreening.safeParse(kept);
  if (!screening.success || [...REQUIRED].some((k) => !(k in kept))) return {};
  return {
    salvaged: { session: screening.data, ...withFinishes },
    recovered: `the open screening ${screening.data.sessionId}${left.length > 0 ? ` without ${left.join(', ')}` : ''}${finishes.length > 0 ? ` and ${finishes.length} finish(es)` : ''}`,
  };
}
