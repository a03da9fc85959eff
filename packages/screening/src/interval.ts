/**
 * A set of real numbers bounded by at most one lower bound (`gt` or `gte`) and one upper bound (`lt`
 * or `lte`). Rows of a threshold group use half-open intervals that meet exactly (`lt: 130` on one
 * row, `gte: 130` on the next), so that no decimal value can fall between two categories.
 */
export interface Interval {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export function inInterval(interval: Interval, value: number): boolean {
  if (interval.gt !== undefined && !(value > interval.gt)) return false;
  if (interval.gte !== undefined && !(value >= interval.gte)) return false;
  if (interval.lt !== undefined && !(value < interval.lt)) return false;
  if (interval.lte !== undefined && !(value <= interval.lte)) return false;
  return true;
}

/** The finite bounds of an interval, for boundary tests and documentation. */
export function intervalBounds(interval: Interval): number[] {
  return [interval.gt, interval.gte, interval.lt, interval.lte].filter((b): b is number => b !== undefined);
}

/** `≥ 120 and < 130 mmHg`, `< 70 mg/dL`, `> 90 cm`: how the clinicians' page prints an interval. */
export function formatInterval(interval: Interval, unit = ''): string {
  const parts: string[] = [];
  if (interval.gte !== undefined) parts.push(`≥ ${interval.gte}`);
  if (interval.gt !== undefined) parts.push(`> ${interval.gt}`);
  if (interval.lt !== undefined) parts.push(`< ${interval.lt}`);
  if (interval.lte !== undefined) parts.push(`≤ ${interval.lte}`);
  if (!parts.length) return 'any value';
  return `${parts.join(' and ')}${unit ? ` ${unit}` : ''}`;
}
