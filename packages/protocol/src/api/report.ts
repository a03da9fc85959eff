import { z } from 'zod';
import { ClinicId } from '../ids.js';

/**
 * A count as the quarterly report prints it: the number, `"<5"` for 1 to 4 people (who could be
 * named from it), or `"x"` for a count hidden so that a `"<5"` cannot be worked out from a total.
 */
export const ReportCount = z
  .union([z.number().int().min(0), z.literal('<5'), z.literal('x')])
  .meta({ id: 'ReportCount' });
export type ReportCount = z.infer<typeof ReportCount>;

export const ReportLabel = z
  .object({ key: z.string(), label: z.string() })
  .strict()
  .meta({ id: 'ReportLabel' });
export type ReportLabel = z.infer<typeof ReportLabel>;

/** A table of counts; totals are null where the table prints none. */
export const ReportTable = z
  .object({
    rows: z.array(ReportLabel),
    columns: z.array(ReportLabel),
    cells: z.array(z.array(ReportCount)).describe('one array per row, one count per column'),
    rowTotals: z.array(ReportCount).nullable(),
    columnTotals: z.array(ReportCount).nullable(),
    total: ReportCount.nullable(),
  })
  .strict()
  .meta({ id: 'ReportTable' });
export type ReportTable = z.infer<typeof ReportTable>;

const sectionShape = {
  screenings: ReportTable.describe(
    'screenings opened: rows the months, columns age band × sex (L men, P women)',
  ),
  flags: ReportTable.describe(
    'screenings flagged: rows the flag, columns sex; a person may count in several rows',
  ),
  referrals: ReportTable.describe('referrals made in the quarter (row total): acknowledged and still open'),
};

export const QuarterlyReport = z
  .object({
    quarter: z.string().describe('e.g. 2026-Q4, on the clinic wall clock'),
    months: z.array(z.string()).describe('YYYY-MM, the quarter months in order'),
    from: z.string().describe('first instant of the quarter, UTC'),
    to: z.string().describe('first instant after the quarter, UTC'),
    smallestShown: z.number().int().describe('counts from 1 below this are shown as "<5"'),
    clinics: z.array(
      z
        .object({ clinicId: ClinicId, village: z.string().nullable(), ...sectionShape })
        .strict()
        .meta({ id: 'QuarterlyReportClinic' }),
    ),
    villages: z
      .array(
        z
          .object({ village: z.string(), clinicIds: z.array(ClinicId), ...sectionShape })
          .strict()
          .meta({ id: 'QuarterlyReportVillage' }),
      )
      .describe('villages with two clinics or more: the sum of their clinics'),
  })
  .strict()
  .meta({ id: 'QuarterlyReport' });
export type QuarterlyReport = z.infer<typeof QuarterlyReport>;

export const QuarterlyReportQuery = z
  .object({
    quarter: z.string().min(1).max(20).describe('YYYY-Qn, e.g. 2026-Q4; a quarter that has begun'),
    clinicId: ClinicId.optional().describe("one of the caller's clinics; all of them when left out"),
    format: z.enum(['json', 'csv']).optional().describe('csv for a spreadsheet; also Accept: text/csv'),
  })
  .strict();
export type QuarterlyReportQuery = z.infer<typeof QuarterlyReportQuery>;
