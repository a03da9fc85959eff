import fc from 'fast-check';

export interface FuzzFrameOptions {
  /** Valid frames to mutate; without them only random bytes are tried. */
  seeds?: readonly Uint8Array[];
  /** Longest random frame. Default 64. */
  maxLength?: number;
  /**
   * Rewrites a mutated frame's checksum so the mutation reaches the parser behind it (otherwise
   * nearly every mutation stops at BAD_CHECKSUM).
   */
  fixChecksum?: (frame: Uint8Array) => Uint8Array;
}

/** xorshift32: the frame is a pure function of the seed fast-check draws, so a failure replays. */
function random(seed: number): () => number {
  let state = seed | 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

/**
 * Random and mutated frames, built from one 32-bit integer each. Drawing a single integer keeps a
 * run cheap enough for 100,000 cases per decoder; shrinking is traded away, but the failing seed
 * printed by fast-check rebuilds the exact frame with `fuzzFrameFromSeed`.
 */
export function fuzzFrameFromSeed(seed: number, options: FuzzFrameOptions = {}): Uint8Array {
  const next = random(seed);
  const seeds = options.seeds ?? [];
  const maxLength = options.maxLength ?? 64;
  const mode = seeds.length === 0 ? 0 : next() % (options.fixChecksum ? 6 : 5);
  if (mode === 0) {
    const out = new Uint8Array(next() % (maxLength + 1));
    for (let i = 0; i < out.length; i++) out[i] = next() & 0xff;
    return out;
  }
  const base = seeds[next() % seeds.length]!;
  let frame: Uint8Array = base.slice();
  switch (mode) {
    case 1: // flip a few bytes
    case 5: {
      const flips = 1 + (next() % 3);
      for (let i = 0; i < flips && frame.length > 0; i++) frame[next() % frame.length] = next() & 0xff;
      break;
    }
    case 2: // cut short
      frame = frame.slice(0, next() % (frame.length + 1));
      break;
    case 3: {
      // insert random bytes
      const at = next() % (frame.length + 1);
      const extra = new Uint8Array(1 + (next() % 4));
      for (let i = 0; i < extra.length; i++) extra[i] = next() & 0xff;
      const out = new Uint8Array(frame.length + extra.length);
      out.set(frame.subarray(0, at), 0);
      out.set(extra, at);
      out.set(frame.subarray(at), at + extra.length);
      frame = out;
      break;
    }
    case 4: {
      // drop a run of bytes
      const at = next() % (frame.length + 1);
      const length = Math.min(next() % 6, frame.length - at);
      const out = new Uint8Array(frame.length - length);
      out.set(frame.subarray(0, at), 0);
      out.set(frame.subarray(at + length), at);
      frame = out;
      break;
    }
  }
  if (mode === 5 && options.fixChecksum) {
    try {
      frame = options.fixChecksum(frame);
    } catch {
      // A frame too broken to re-checksum is still a good fuzz case as it is.
    }
  }
  return frame;
}

export function fuzzFrames(options: FuzzFrameOptions = {}): fc.Arbitrary<Uint8Array> {
  return fc.integer().map((seed) => fuzzFrameFromSeed(seed, options));
}
