import { readFileSync } from 'node:fs';
import { DEVICE_ANNUNCIATION_NAMES } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { ANNUNCIATION_CONSEQUENCES } from './device-vocabulary.js';
import { THRESHOLDS } from './thresholds.js';
import { renderVocabularyDoc } from './vocabulary-doc.js';

describe('docs/device-vocabulary.md', () => {
  const page = renderVocabularyDoc();

  it('is committed and up to date (run `pnpm -C packages/screening write-docs` after changing a consequence)', () => {
    const committed = readFileSync(new URL('../../../docs/device-vocabulary.md', import.meta.url), 'utf8');
    expect(committed, 'docs/device-vocabulary.md is stale: run write-docs').toBe(page);
  });

  it('has one row per member with both texts, and the reason wherever nothing follows', () => {
    for (const member of DEVICE_ANNUNCIATION_NAMES) {
      const rows = page.split('\n').filter((l) => l.startsWith(`| \`${member}\` |`));
      expect(rows, member).toHaveLength(1);
      const { text, reason } = ANNUNCIATION_CONSEQUENCES[member];
      expect(rows[0]).toContain(text.id);
      expect(rows[0]).toContain(text.en);
      if (reason) expect(rows[0]).toContain(reason);
    }
  });

  it('lists every device limit with its flags', () => {
    for (const limit of THRESHOLDS.deviceLimits) expect(page).toContain(`\`${limit.flags.above}\``);
    expect(page).toContain('| Blood glucose | ≥ 200 and ≤ 1000 mg/dL | ≥ 10 and ≤ 70 mg/dL |');
  });
});
