// Writes docs/schemas/*.schema.json from the zod schemas. Run after changing a payload schema:
// `pnpm schemas`. A test fails while the committed files are stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allJsonSchemas } from '../json-schema.js';

const dir = fileURLToPath(new URL('../../../../docs/schemas/', import.meta.url));
for (const [name, schema] of Object.entries(allJsonSchemas())) {
  writeFileSync(`${dir}${name}.schema.json`, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote docs/schemas/${name}.schema.json`);
}
