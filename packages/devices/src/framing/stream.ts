import { Transform, type TransformCallback } from 'node:stream';
import type { FrameSplitter } from '../driver.js';

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
