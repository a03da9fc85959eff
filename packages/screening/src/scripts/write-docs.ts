// Writes docs/screening.md from the threshold table. Run after changing THRESHOLDS:
// `node --conditions=@klinik-desa/source --import tsx packages/screening/src/scripts/write-docs.ts`.
// A test fails while the committed page is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderScreeningDoc } from '../docs.js';

const file = fileURLToPath(new URL('../../../../docs/screening.md', import.meta.url));
writeFileSync(file, renderScreeningDoc());
console.log('wrote docs/screening.md');
