import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes.js';
import { decode } from './registry.js';
import { encode } from './simulate/index.js';
import { loadSharedVectors, protocolOfVector, vectorMismatches } from './testing/index.js';

// The vectors live in the repository (their source is named in vectors/README.md).
const VECTORS = fileURLToPath(new URL('../vectors', import.meta.url));

describe('shared vectors', () => {
  it('are present (a missing directory fails, it does not skip)', () => {
    expect(existsSync(VECTORS), `expected the shared vectors at ${VECTORS}`).toBe(true);
  });

  const vectors = existsSync(VECTORS) ? loadSharedVectors(VECTORS) : [];

  it('cover every protocol family the issue names', () => {
    const protocols = new Set(vectors.map(protocolOfVector));
    for (const id of [
      'gatt-2a35',
      'gatt-2a18',
      'gatt-2a9d',
      'gatt-2a1c',
      'gatt-2a5e',
      'ad-scale',
      'tanita',
      'bayer-contour',
      'onetouch-ultra2',
    ]) {
      expect(protocols).toContain(id);
    }
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s decodes as the vector says', (_id, vector) => {
    const result = decode(protocolOfVector(vector), fromHex(vector.hex));
    expect(vectorMismatches(vector, result)).toEqual([]);
  });

  it.each(vectors.filter((v) => !('error' in v.expect)).map((v) => [v.id, v] as const))(
    '%s survives decode → encode → decode',
    (_id, vector) => {
      const protocol = protocolOfVector(vector);
      const first = decode(protocol, fromHex(vector.hex));
      if (!first.ok) return;
      const again = decode(protocol, encode(protocol, first.measurement));
      expect(again).toEqual(first);
    },
  );
});
