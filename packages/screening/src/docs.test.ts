import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderScreeningDoc } from './docs.js';
import { SOURCES, THRESHOLDS } from './thresholds.js';
import { VALUES } from './values.js';

describe('docs/screening.md', () => {
  const page = renderScreeningDoc();

  it('is committed and up to date (run packages/screening/src/scripts/write-docs.ts after changing THRESHOLDS)', () => {
    const committed = readFileSync(new URL('../../../docs/screening.md', import.meta.url), 'utf8');
    expect(committed, 'docs/screening.md is stale: run write-docs').toBe(page);
  });

  it('shows every rule with its threshold, severity, both messages and its source', () => {
    expect(page).toContain(`Rules version **${THRESHOLDS.version}**`);
    for (const row of THRESHOLDS.rows) {
      const line = page.split('\n').find((l) => l.includes(`\`${row.code}\``));
      expect(line, row.code).toBeDefined();
      expect(line).toContain(row.asPrinted);
      expect(line).toContain(`| ${row.severity} |`);
      expect(line).toContain(row.message.id);
      expect(line).toContain(row.message.en);
      for (const s of row.sources) expect(line).toContain(`[${s}]`);
    }
    for (const key of Object.keys(SOURCES)) expect(page).toContain(`**[${key}]**`);
    for (const flag of THRESHOLDS.flags) expect(page).toContain(`\`${flag.code}\``);
    for (const p of THRESHOLDS.plausibility) expect(page).toContain(`| ${VALUES[p.value].label.en} |`);
  });

  it('prints the rule as applied, so a boundary can be read without the code', () => {
    expect(page).toContain('systolic ≥ 120 and < 130 mmHg, or diastolic ≥ 80 and < 85 mmHg');
    expect(page).toContain('| > 25 and ≤ 27 kg/m² | > 25.0–27.0 |');
    expect(page).toContain('the higher row applies');
  });
});
