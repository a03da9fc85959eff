// Writes docs/screening.md from the threshold table. Run after changing THRESHOLDS:
// `node --conditions=@klinik-desa/source --import tsx packages/screening/src/scripts/write-docs.ts`.
// A test fails while the committed page is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderScreeningDoc } from '../docs.js';
import { answerHelp } from './help.js';

answerHelp(
  'write-docs',
  `Usage: pnpm -C packages/screening write-docs

Writes docs/screening.md, the triage thresholds and their sources, from the threshold table in
packages/screening. Run it after changing a threshold and commit the page.

Options:
  -h, --help    this help`,
);

const file = fileURLToPath(new URL('../../../../docs/screening.md', import.meta.url));
writeFileSync(file, renderScreeningDoc());
console.log('wrote docs/screening.md');
