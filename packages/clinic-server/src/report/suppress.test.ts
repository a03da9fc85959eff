import { describe, expect, it } from 'vitest';
import { suppress } from './suppress.js';
import { CellSpace, shownTable } from './table.js';

const label = (key: string) => ({ key, label: key });

describe('suppress', () => {
  it('shows zero and counts of five or more, hides 1–4 as "<5"', () => {
    expect(suppress([0, 1, 4, 5, 12], [])).toEqual(['shown', 'small', 'small', 'shown', 'shown']);
  });

  it('hides a second member of a line that would otherwise give the "<5" back', () => {
    // 3 + 10 + 7 = 20: with the total printed, hiding the 3 alone leaves 20 - 10 - 7.
    const status = suppress([3, 10, 7, 20], [[0, 1, 2, 3]], [false, false, false, true]);
    expect(status).toEqual(['small', 'shown', 'complementary', 'shown']);
  });

  it('leaves a line with two hidden cells alone', () => {
    expect(suppress([2, 3, 10, 15], [[0, 1, 2, 3]])).toEqual(['small', 'small', 'shown', 'shown']);
  });
});

describe('a table with row and column totals', () => {
  it('suppresses so that no row or column sum uncovers a hidden cell', () => {
    const table = {
      rows: [label('a'), label('b')],
      columns: [label('x'), label('y'), label('z')],
      counts: [
        [3, 10, 7],
        [8, 6, 9],
      ],
      rowTotals: true,
      columnTotals: true,
    };
    const space = new CellSpace();
    const grid = space.place(table);
    const shown = shownTable(table, grid, space.values, space.suppress());
    // The 3 is small. Row a then hides its smallest other cell, the 7; column x its 8; column z
    // its 9; row b then has two hidden cells. Totals: rows 20 and 23, columns 11, 16, 16, all 43.
    expect(shown.cells).toEqual([
      ['<5', 10, 'x'],
      ['x', 6, 'x'],
    ]);
    expect(shown.rowTotals).toEqual([20, 23]);
    expect(shown.columnTotals).toEqual([11, 16, 16]);
    expect(shown.total).toBe(43);
  });

  it('hides a small total too', () => {
    // Row a adds up to 3: its cells (1 and 2) and its total are all small. Only rows are printed
    // sums here, and row b has nothing hidden.
    const table = {
      rows: [label('a'), label('b')],
      columns: [label('x'), label('y')],
      counts: [
        [1, 2],
        [5, 0],
      ],
      rowTotals: true,
      columnTotals: false,
    };
    const space = new CellSpace();
    const grid = space.place(table);
    const shown = shownTable(table, grid, space.values, space.suppress());
    expect(shown.cells).toEqual([
      ['<5', '<5'],
      [5, 0],
    ]);
    expect(shown.rowTotals).toEqual(['<5', 5]);
    expect(shown.columnTotals).toBeNull();
  });

  it('keeps every line free of a lone hidden member, whatever the counts', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 9;
    };
    for (let run = 0; run < 200; run++) {
      const counts = [0, 1, 2].map(() => [0, 1, 2, 3].map(() => next()));
      const space = new CellSpace();
      space.place({
        rows: [label('a'), label('b'), label('c')],
        columns: [label('w'), label('x'), label('y'), label('z')],
        counts,
        rowTotals: true,
        columnTotals: true,
      });
      const status = space.suppress();
      for (const line of space.lines) {
        expect(line.filter((i) => status[i] !== 'shown').length).not.toBe(1);
      }
      space.values.forEach((v, i) => {
        if (v > 0 && v < 5) expect(status[i]).toBe('small');
      });
    }
  });
});
