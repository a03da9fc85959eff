const PREFIX = '#/components/schemas/';

/**
 * fastify-type-provider-zod emits every named schema twice, as it is read (`PatientCreateInput`)
 * and as it is written (`PatientCreate`). Most are the same both ways; this keeps the `...Input`
 * form only where it differs (a field with a default is optional going in), so the document and
 * the SDK built from it name each type once. A form no operation uses is dropped, and an `...Input`
 * left alone takes the plain name (`ScreeningFinish`, only ever read). Pure: returns a new document.
 */
export function tidyOpenApi<D extends { components?: { schemas?: Record<string, unknown> } }>(doc: D): D {
  const schemas = doc.components?.schemas ?? {};
  const pairs = new Set(
    Object.keys(schemas).filter((name) => name.endsWith('Input') && name.slice(0, -5) in schemas),
  );
  const rewrite = (value: unknown, merged: ReadonlySet<string>): unknown => {
    if (Array.isArray(value)) return value.map((v) => rewrite(v, merged));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          if (k === '$ref' && typeof v === 'string' && v.startsWith(PREFIX)) {
            const name = v.slice(PREFIX.length);
            return [k, merged.has(name) ? `${PREFIX}${name.slice(0, -5)}` : v];
          }
          return [k, rewrite(v, merged)];
        }),
      );
    }
    return value;
  };
  // Two forms are the same if they are equal once every merged pair is read as one; start by
  // assuming all pairs merge and drop those that differ until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const input of pairs) {
      const a = JSON.stringify(rewrite(schemas[input], pairs));
      const b = JSON.stringify(rewrite(schemas[input.slice(0, -5)], pairs));
      if (a !== b) {
        pairs.delete(input);
        changed = true;
      }
    }
  }
  const tidy = rewrite(doc, pairs) as D;
  const tidySchemas = tidy.components?.schemas;
  if (!tidySchemas) return tidy;
  for (const input of pairs) delete tidySchemas[input];
  const used = usedSchemas(tidy, tidySchemas);
  for (const name of Object.keys(tidySchemas)) if (!used.has(name)) delete tidySchemas[name];
  const renamed = new Set(
    Object.keys(tidySchemas).filter((name) => name.endsWith('Input') && !(name.slice(0, -5) in tidySchemas)),
  );
  const named = rewrite(tidy, renamed) as D;
  if (named.components?.schemas) {
    named.components.schemas = Object.fromEntries(
      Object.entries(named.components.schemas).map(([k, v]) => [renamed.has(k) ? k.slice(0, -5) : k, v]),
    );
  }
  // Where the API runs and what its tags mean, before the details (the plugin puts them last).
  const { openapi, info, servers, tags, ...rest } = named as D & Record<string, unknown>;
  return { openapi, info, servers, tags, ...rest } as D;
}

/** The schemas the operations refer to, directly or through other schemas. */
function usedSchemas(doc: object, schemas: Record<string, unknown>): Set<string> {
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) visit(v);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith(PREFIX)) {
          const name = v.slice(PREFIX.length);
          if (!used.has(name)) {
            used.add(name);
            visit(schemas[name]);
          }
        } else visit(v);
      }
    }
  };
  const { components, ...rest } = doc as { components?: Record<string, unknown> };
  const { schemas: _schemas, ...otherComponents } = components ?? {};
  visit(rest);
  visit(otherComponents);
  return used;
}
