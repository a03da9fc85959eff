// Writes docs/schemas/*.schema.json from the zod schemas. Run after changing a payload schema:
// `pnpm schemas`. A test fails while the committed files are stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { allJsonSchemas } from '../json-schema.js';

const USAGE = `Usage: pnpm schemas

Writes docs/schemas/<name>.schema.json, the JSON Schemas of the MQTT payloads that
docs/asyncapi.yaml points to, from the zod schemas in packages/protocol. Run it after changing a
schema and commit the files.

Options:
  -h, --help    this help`;

try {
  const { values } = parseArgs({ strict: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
} catch (error) {
  // parseArgs says what was wrong in its first sentence ("Unknown option '--foo'").
  console.error(`schemas: ${(error as Error).message.split('. ')[0]}; options: --help (it takes no others)`);
  process.exit(2);
}

const dir = fileURLToPath(new URL('../../../../docs/schemas/', import.meta.url));
for (const [name, schema] of Object.entries(allJsonSchemas())) {
  writeFileSync(`${dir}${name}.schema.json`, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote docs/schemas/${name}.schema.json`);
}
