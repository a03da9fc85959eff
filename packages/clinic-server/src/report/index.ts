export { csvField, reportCsv } from './csv.js';
export { escapeHtml, type PageLinks, reportPage } from './page.js';
export { parseQuarter, type Quarter, quarterOf } from './quarter.js';
export {
  AGE_BANDS,
  FLAG_FAMILIES,
  flagFamiliesOf,
  type QuarterFacts,
  type QuarterlyReport,
  quarterlyReport,
  type ReadingFlags,
  type ReferralFact,
  type ReportSection,
  SCREENING_COLUMNS,
  type ScreeningFact,
  SEXES,
} from './quarterly.js';
export { type CellStatus, type Shown, SMALLEST_SHOWN, suppress } from './suppress.js';
export type { Label, ShownTable } from './table.js';
