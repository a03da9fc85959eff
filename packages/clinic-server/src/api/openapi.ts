import pino from 'pino';
import { stringify } from 'yaml';
import { Metrics } from '../metrics.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { buildApi } from './app.js';
import { tidyOpenApi } from './tidy-openapi.js';

/**
 * The OpenAPI 3.1 document of the clinic API, generated from the routes and their zod schemas (the
 * same ones that validate requests), so docs/openapi.yaml cannot describe an API that is not there.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const store = openSqliteStore(':memory:');
  try {
    const app = await buildApi({
      store,
      log: pino({ level: 'silent' }),
      metrics: new Metrics(),
      readiness: async () => ({}),
      fhirBundle: async () => {
        throw new Error('not served while generating the document');
      },
    });
    await app.ready();
    const doc = tidyOpenApi(app.swagger() as { components?: { schemas?: Record<string, unknown> } });
    await app.close();
    return doc as Record<string, unknown>;
  } finally {
    await store.close();
  }
}

export async function openApiYaml(): Promise<string> {
  const doc = await openApiDocument();
  return `# Generated from the clinic server's routes and the zod schemas of @klinik-desa/protocol.\n# Do not edit: run \`pnpm clinic-server openapi --out docs/openapi.yaml\`.\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
