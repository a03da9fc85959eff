import { MEASUREMENT_KINDS as PROTOCOL_KINDS } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { MEASUREMENT_KINDS } from './plugin-shape.js';

describe('driver shape', () => {
  it('knows exactly the measurement kinds of the protocol package', () => {
    expect([...MEASUREMENT_KINDS].sort()).toEqual([...PROTOCOL_KINDS].sort());
  });
});
