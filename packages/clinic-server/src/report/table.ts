import { type CellStatus, type Shown, shown, suppress } from './suppress.js';

export interface Label {
  key: string;
  label: string;
}

/** Counts with their row and column labels; which sums get printed beside them. */
export interface CountTable {
  rows: readonly Label[];
  columns: readonly Label[];
  counts: readonly (readonly number[])[];
  /** Print each row's sum (a line: the row's cells and its total). */
  rowTotals: boolean;
  /** Print each column's sum. */
  columnTotals: boolean;
}

/** A table as printed: counts, "<5" and "x"; totals where the table has them, else null. */
export interface ShownTable {
  rows: Label[];
  columns: Label[];
  cells: Shown[][];
  rowTotals: Shown[] | null;
  columnTotals: Shown[] | null;
  total: Shown | null;
}

/**
 * Cells of several tables in one place, so equations across tables (a village's table is the sum
 * of its clinics') are suppressed together with each table's own rows and columns.
 */
export class CellSpace {
  readonly values: number[] = [];
  readonly margin: boolean[] = [];
  readonly lines: number[][] = [];

  /** Places a table with its printed sums; answers the cell indices, sums in the last row/column. */
  place(table: CountTable): number[][] {
    const r = table.rows.length;
    const c = table.columns.length;
    const height = r + (table.columnTotals ? 1 : 0);
    const width = c + (table.rowTotals ? 1 : 0);
    const value = (i: number, j: number): number => {
      const inner = (ii: number, jj: number) => table.counts[ii]?.[jj] ?? 0;
      const rowsOf = i < r ? [i] : range(r);
      const colsOf = j < c ? [j] : range(c);
      let sum = 0;
      for (const ii of rowsOf) for (const jj of colsOf) sum += inner(ii, jj);
      return sum;
    };
    const grid = range(height).map((i) =>
      range(width).map((j) => {
        this.values.push(value(i, j));
        this.margin.push(i >= r || j >= c);
        return this.values.length - 1;
      }),
    );
    if (table.rowTotals) for (const row of grid) this.lines.push(row);
    if (table.columnTotals) for (let j = 0; j < width; j++) this.lines.push(grid.map((row) => row[j]!));
    return grid;
  }

  /** Each position of `whole` is the sum of the same position in `parts`. */
  sumLines(whole: number[][], parts: readonly number[][][]): void {
    whole.forEach((row, i) => {
      row.forEach((cell, j) => {
        this.lines.push([cell, ...parts.map((p) => p[i]![j]!)]);
      });
    });
  }

  suppress(): CellStatus[] {
    return suppress(this.values, this.lines, this.margin);
  }
}

/** A placed table as printed, given the statuses of its space. */
export function shownTable(
  table: CountTable,
  grid: number[][],
  values: readonly number[],
  status: readonly CellStatus[],
): ShownTable {
  const r = table.rows.length;
  const c = table.columns.length;
  const at = (i: number, j: number) => {
    const index = grid[i]![j]!;
    return shown(values[index]!, status[index]!);
  };
  return {
    // Labels only: the row and column definitions may carry more (an age band's lower bound).
    rows: table.rows.map(({ key, label }) => ({ key, label })),
    columns: table.columns.map(({ key, label }) => ({ key, label })),
    cells: range(r).map((i) => range(c).map((j) => at(i, j))),
    rowTotals: table.rowTotals ? range(r).map((i) => at(i, c)) : null,
    columnTotals: table.columnTotals ? range(c).map((j) => at(r, j)) : null,
    total: table.rowTotals && table.columnTotals ? at(r, c) : null,
  };
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
