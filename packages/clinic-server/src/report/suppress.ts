/**
 * Small-count suppression. A count of 1 to 4 people in a village can name them ("the two women over
 * sixty flagged for diabetes"), so it is shown as "<5". Hiding one cell is not enough where a total
 * is printed: the total minus the other cells gives it back. So every printed sum is an equation
 * (a line: its cells and its total), and no line may have exactly one hidden member; where one
 * does, a second member is hidden too ("x", complementary suppression). This is the usual
 * line-by-line rule of statistical offices; it does not solve the whole system of equations, so a
 * determined attacker combining many lines may still narrow a cell to a range, never below "<5"
 * alone in a line.
 */

/** How a cell is printed: its count, "<5" (a count of 1–4), or "x" (hidden so a "<5" stays hidden). */
export type Shown = number | '<5' | 'x';

export type CellStatus = 'shown' | 'small' | 'complementary';

/** Counts from 1 up to this (exclusive) are hidden. Zero is shown: it names nobody. */
export const SMALLEST_SHOWN = 5;

/**
 * Decides which cells are hidden. `lines` are the printed equations (indices into `values`, each a
 * set of cells one of which is the sum of the others); `margin` marks totals, hidden only when no
 * inner cell of the line can be.
 */
export function suppress(
  values: readonly number[],
  lines: readonly (readonly number[])[],
  margin: readonly boolean[] = [],
): CellStatus[] {
  const status: CellStatus[] = values.map((v) => (v > 0 && v < SMALLEST_SHOWN ? 'small' : 'shown'));
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      if (line.filter((i) => status[i] !== 'shown').length !== 1) continue;
      const pick = complementFor(line, values, status, margin);
      if (pick === undefined) continue;
      status[pick] = 'complementary';
      changed = true;
    }
  }
  return status;
}

/** The cell of the line whose hiding loses least: a non-zero inner cell, the smallest first. */
function complementFor(
  line: readonly number[],
  values: readonly number[],
  status: readonly CellStatus[],
  margin: readonly boolean[],
): number | undefined {
  const rank = (i: number) => [values[i] === 0 ? 1 : 0, margin[i] ? 1 : 0, values[i]!] as const;
  let best: number | undefined;
  for (const i of line) {
    if (status[i] !== 'shown') continue;
    if (best === undefined || compare(rank(i), rank(best)) < 0) best = i;
  }
  return best;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}

export function shown(value: number, status: CellStatus): Shown {
  if (status === 'small') return '<5';
  if (status === 'complementary') return 'x';
  return value;
}
