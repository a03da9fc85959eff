// Writes docs/screening.md and docs/device-vocabulary.md from the threshold and consequence tables.
// Run after changing either: `pnpm -C packages/screening write-docs`. A test fails while a page is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderScreeningDoc } from '../docs.js';
import { renderVocabularyDoc } from '../vocabulary-doc.js';
import { answerHelp } from './help.js';

answerHelp(
  'write-docs',
  `Usage: pnpm -C packages/screening write-docs

Writes docs/screening.md, the triage thresholds and their sources, from the threshold table in
packages/screening, and docs/device-vocabulary.md, what follows from each thing a device can say.
Run it after changing a threshold or a consequence and commit the pages.

Options:
  -h, --help    this help`,
);

const docs = (name: string) => fileURLToPath(new URL(`../../../../docs/${name}`, import.meta.url));
writeFileSync(docs('screening.md'), renderScreeningDoc());
console.log('wrote docs/screening.md');
writeFileSync(docs('device-vocabulary.md'), renderVocabularyDoc());
console.log('wrote docs/device-vocabulary.md');
