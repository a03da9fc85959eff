const PREFIX = '#/components/schemas/';

/**
 * fastify-type-provider-zod emits every named schema twice, as it is read (`PatientCreateInput`)
 * and as it is written (`PatientCreate`). Most are the same both ways; this keeps the `...Input`
 * form only where it differs (a field with a default is optional going in), so the document and
 * the SDK built from it name each type once. Pure: returns a new document.
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
  if (tidySchemas) for (const input of pairs) delete tidySchemas[input];
  return tidy;
}
