import { describe, expect, it } from 'vitest';
import { tidyOpenApi } from './tidy-openapi.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Record<string, unknown>) => ({ type: 'object', properties });

function doc<P>(paths: P, schemas: Record<string, unknown>) {
  return { info: { title: 't' }, openapi: '3.1.0', paths, components: { schemas }, tags: [], servers: [] };
}

describe('tidyOpenApi', () => {
  it('keeps one name for a schema read and written the same, and both where they differ', () => {
    const same = object({ a: { type: 'string' } });
    const tidy = tidyOpenApi(
      doc(
        { '/x': { post: { requestBody: ref('AInput'), responses: { 200: ref('A'), 201: ref('BInput') } } } },
        {
          A: same,
          AInput: same,
          B: object({ f: { type: 'boolean' } }),
          BInput: object({ f: { type: 'boolean', default: true } }),
        },
      ),
    );
    expect(Object.keys(tidy.components.schemas)).toEqual(['A', 'B']);
    expect(tidy.paths['/x'].post.requestBody).toEqual(ref('A'));
    // B is only ever read: its written form goes, and its read form takes the plain name.
    expect(tidy.paths['/x'].post.responses[201]).toEqual(ref('B'));
    expect(tidy.components.schemas.B).toEqual(object({ f: { type: 'boolean', default: true } }));
  });

  it('drops schemas no operation reaches, and keeps those reached through another schema', () => {
    const tidy = tidyOpenApi(
      doc(
        { '/x': { get: { responses: { 200: ref('Page') } } } },
        {
          Page: object({ data: { type: 'array', items: ref('Item') } }),
          Item: object({ id: { type: 'string' } }),
          Orphan: object({ id: { type: 'string' } }),
        },
      ),
    );
    expect(Object.keys(tidy.components.schemas)).toEqual(['Page', 'Item']);
  });

  it('puts the servers and tags before the details', () => {
    expect(Object.keys(tidyOpenApi(doc({}, {})))).toEqual([
      'openapi',
      'info',
      'servers',
      'tags',
      'paths',
      'components',
    ]);
  });
});
