import { formatInterval, inInterval } from './interval.js';
import { type PlausibilityRow, plausibilityOf, THRESHOLDS, type ThresholdTable } from './thresholds.js';
import { VALUES, type ValueName } from './values.js';

export type PlausibilityVerdict =
  | { status: 'ok' }
  | { status: 'remeasure'; row: PlausibilityRow }
  | { status: 'impossible'; row: PlausibilityRow; reason: string };

/** Judges one value in its canonical unit against the table's plausibility limits. */
export function checkPlausibility(
  name: ValueName,
  value: number,
  table: ThresholdTable = THRESHOLDS,
): PlausibilityVerdict {
  const row = plausibilityOf(name, table);
  if (!row) return { status: 'ok' };
  const unit = VALUES[name].unit;
  if (!inInterval(row.possible, value)) {
    return {
      status: 'impossible',
      row,
      reason: `${VALUES[name].label.en} ${value} ${unit} is outside the possible range (${formatInterval(row.possible, unit)}): a device or decoding fault, not a reading`,
    };
  }
  if (!inInterval(row.expected, value)) return { status: 'remeasure', row };
  return { status: 'ok' };
}
