import { Transform, type TransformCallback } from 'node:stream';
import { toBytes } from './bytes.js';
import type { DeviceDriver, FramerOptions, FrameSplitter } from './driver.js';
import { DecodeError } from './errors.js';

type Discard = (error: DecodeError) => void;

function checkMaxFrameBytes(value: number | undefined, fallback: number, minimum = 1): number {
  const max = value ?? fallback;
  if (!Number.isInteger(max) || max < minimum) {
    throw new RangeError(`maxFrameBytes must be an integer of at least ${minimum}, got ${value}`);
  }
  return max;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function indexOfSequence(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  for (let i = haystack.indexOf(first, from); i !== -1; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    let match = true;
    for (let k = 1; k < needle.length; k++) {
      if (haystack[i + k] !== needle[k]) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}

export interface LineSplitterOptions extends FramerOptions {
  /** Default `\r\n`. */
  delimiter?: string;
  /** Default 1024. */
  maxFrameBytes?: number;
  protocol?: string;
}

/** Lines without their delimiter. Empty lines are skipped; a line longer than the maximum is dropped whole. */
export function createLineSplitter(options: LineSplitterOptions = {}): FrameSplitter {
  const delimiter = toBytes(options.delimiter ?? '\r\n');
  if (delimiter.length === 0) throw new RangeError('delimiter must not be empty');
  const max = checkMaxFrameBytes(options.maxFrameBytes, 1024);
  const protocol = options.protocol ?? 'line';
  const discard: Discard = options.onDiscard ?? (() => {});
  let pending: Uint8Array = new Uint8Array(0);
  // Inside a line already reported as too long: drop bytes up to its delimiter.
  let skipping = false;

  return {
    push(chunk) {
      const frames: Uint8Array[] = [];
      const buffer = concat(pending, chunk);
      let start = 0;
      for (;;) {
        const at = indexOfSequence(buffer, delimiter, start);
        if (at === -1) break;
        if (skipping) {
          skipping = false;
        } else if (at - start > max) {
          discard(new DecodeError('TOO_LONG', protocol, `a line of ${at - start} bytes exceeds ${max}`));
        } else if (at > start) {
          frames.push(buffer.slice(start, at));
        }
        start = at + delimiter.length;
      }
      let rest = buffer.subarray(start);
      if (rest.length > max + delimiter.length - 1) {
        if (!skipping) {
          discard(new DecodeError('TOO_LONG', protocol, `a line exceeds ${max} bytes`));
          skipping = true;
        }
        // Keep a possible first part of the delimiter, drop the rest of the overlong line.
        rest = rest.subarray(rest.length - (delimiter.length - 1));
      }
      pending = rest.slice();
      return frames;
    },
    end() {
      if (pending.length > 0 && !skipping) {
        discard(
          new DecodeError('TRUNCATED', protocol, `input ended inside a line of ${pending.length} bytes`),
        );
      }
      pending = new Uint8Array(0);
      skipping = false;
    },
  };
}

/** Wraps a splitter as a Node Transform: bytes (Buffer or Uint8Array) in, one Buffer per frame out. */
export function framerStream(splitter: FrameSplitter): Transform {
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      for (const frame of splitter.push(bytes))
        this.push(Buffer.from(frame.buffer, frame.byteOffset, frame.length));
      callback();
    },
    flush(callback: TransformCallback) {
      splitter.end();
      callback();
    },
  });
}

/** A line framer as a stream, for `framing.type === 'line'` drivers. */
export function createLineFramer(options: LineSplitterOptions = {}): Transform {
  return framerStream(createLineSplitter(options));
}

/** The splitter for any driver: its own for `custom` framing, a line splitter for `line`, none for `packet`. */
export function createSplitter(driver: DeviceDriver, options: FramerOptions = {}): FrameSplitter {
  const { framing } = driver;
  if (framing.type === 'line') {
    return createLineSplitter({
      delimiter: framing.delimiter,
      maxFrameBytes: options.maxFrameBytes ?? framing.maxFrameBytes,
      protocol: driver.id,
      ...(options.onDiscard ? { onDiscard: options.onDiscard } : {}),
    });
  }
  if (framing.type === 'packet') {
    // One message is one frame: nothing is split or joined.
    return { push: (chunk) => (chunk.length > 0 ? [chunk.slice()] : []), end: () => {} };
  }
  if (driver.createSplitter) return driver.createSplitter(options);
  throw new TypeError(`${driver.id} has custom framing but no createSplitter(); use createFramerFor()`);
}

/** The framer stream for any driver (the agent's entry point). */
export function createFramerFor(driver: DeviceDriver, options: FramerOptions = {}): Transform {
  if (driver.framing.type === 'custom') {
    if (!driver.createFramer) throw new TypeError(`${driver.id} has custom framing but no createFramer()`);
    return driver.createFramer(options);
  }
  return framerStream(createSplitter(driver, options));
}

export type { FrameSplitter };
export { checkMaxFrameBytes, concat as concatTwo };
