// Writes the golden FHIR bundles in docs/examples/ from the example screenings. Run after changing
// the mapping or the examples:
// `node --conditions=@klinik-desa/source --import tsx packages/screening/src/scripts/write-examples.ts`.
// A test fails while the committed files are stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exampleFiles } from '../examples.js';
import { answerHelp } from './help.js';

answerHelp(
  'write-examples',
  `Usage: pnpm -C packages/screening write-examples

Writes docs/examples/*.json, the golden SATUSEHAT Bundles of the example screenings, from the FHIR
mapping in packages/screening. Run it after changing the mapping or the examples and commit them.

Options:
  -h, --help    this help`,
);

const dir = fileURLToPath(new URL('../../../../docs/examples/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const [name, bundle] of Object.entries(exampleFiles())) {
  writeFileSync(`${dir}${name}`, `${JSON.stringify(bundle, null, 2)}\n`);
  console.log(`wrote docs/examples/${name}`);
}
