import type { QuarterlyReport, ReportSection } from './quarterly.js';
import type { ShownTable } from './table.js';

const HEADER = ['quarter', 'level', 'clinic_id', 'village', 'table', 'row', 'column', 'count'];

/**
 * The report as CSV, one line per printed count (long form, so a spreadsheet's pivot table can
 * lay it out any way): `row`/`column` are the keys of the table's labels, `total` for a sum. The
 * counts are the page's, "<5" and "x" included.
 */
export function reportCsv(report: QuarterlyReport): string {
  const lines = [HEADER];
  const add = (level: string, clinicId: string, village: string | null, section: ReportSection) => {
    for (const part of ['screenings', 'flags', 'referrals'] as const) {
      for (const [row, column, count] of tableCounts(section[part])) {
        lines.push([report.quarter, level, clinicId, village ?? '', part, row, column, String(count)]);
      }
    }
  };
  for (const c of report.clinics) add('clinic', c.clinicId, c.village, c);
  for (const v of report.villages) add('village', v.clinicIds.join(' '), v.village, v);
  return `${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function tableCounts(t: ShownTable): [string, string, string | number][] {
  const out: [string, string, string | number][] = [];
  t.rows.forEach((row, i) => {
    t.columns.forEach((column, j) => {
      out.push([row.key, column.key, t.cells[i]![j]!]);
    });
    if (t.rowTotals) out.push([row.key, 'total', t.rowTotals[i]!]);
  });
  if (t.columnTotals) {
    const totals = t.columnTotals;
    t.columns.forEach((column, j) => {
      out.push(['total', column.key, totals[j]!]);
    });
  }
  if (t.total !== null) out.push(['total', 'total', t.total]);
  return out;
}

/**
 * RFC 4180 quoting; a text starting with = + - @ gets a leading apostrophe so a spreadsheet shows
 * it rather than running it as a formula (a village name is typed by an operator).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
