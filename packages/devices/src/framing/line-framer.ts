import type { TransformCallback } from 'node:stream';
import { type ReadlineOptions, ReadlineParser } from '@serialport/parser-readline';
import type { FramerOptions, FrameSplitter } from '../driver.js';
import { DecodeError } from '../errors.js';
import { checkMaxFrameBytes } from './limits.js';

export interface LineSplitterOptions extends FramerOptions {
  /** Default `\r\n`. */
  delimiter?: string;
  /** Default 1024. */
  maxFrameBytes?: number;
  protocol?: string;
}

const NO_BYTES = Buffer.alloc(0);

function readlineOptions(options: LineSplitterOptions): ReadlineOptions {
  const delimiter = Buffer.from(options.delimiter ?? '\r\n', 'latin1');
  if (delimiter.length === 0) throw new RangeError('delimiter must not be empty');
  return {
    delimiter,
    // Object mode on the readable side: in byte mode a stream joins lines buffered together.
    readableObjectMode: true,
    // Overrides the parser's utf8 default, which would turn every frame into a string: frames are bytes.
    encoding: undefined as unknown as BufferEncoding,
  };
}

/**
 * The framer of every `line` protocol, in the agent and in the conformance suite alike: serialport's
 * own readline parser, with a cap it lacks (it buffers without limit, so a device spewing bytes with
 * no delimiter would grow memory until the kiosk dies). Lines come out without their delimiter, one
 * Buffer each; empty lines are skipped. A line longer than `maxFrameBytes` is dropped whole and
 * reported once as TOO_LONG, never handed on in pieces: a piece of a line could decode as a wrong
 * reading. Input ending inside a line is reported as TRUNCATED and dropped.
 */
export class LineFramer extends ReadlineParser {
  private readonly max: number;
  private readonly protocol: string;
  private readonly discard: (error: DecodeError) => void;
  /** Inside a line already reported as too long: its remaining bytes up to the delimiter are dropped. */
  private skipping = false;
  /** Set while `cut()` runs: frames go here instead of the readable side. */
  private collected: Uint8Array[] | undefined;

  constructor(options: LineSplitterOptions = {}) {
    super(readlineOptions(options));
    this.max = checkMaxFrameBytes(options.maxFrameBytes, 1024);
    this.protocol = options.protocol ?? 'line';
    this.discard = options.onDiscard ?? (() => {});
  }

  /** The parser hands every line here; only whole lines within the cap go on. */
  override push(line: Buffer | null): boolean {
    if (line === null) return super.push(null);
    if (this.skipping) {
      this.skipping = false;
      return true;
    }
    if (line.length > this.max) {
      this.tooLong(`a line of ${line.length} bytes exceeds ${this.max}`);
      return true;
    }
    if (line.length === 0) return true;
    if (this.collected) {
      this.collected.push(new Uint8Array(line.buffer, line.byteOffset, line.length));
      return true;
    }
    return super.push(line);
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (error) => {
      this.capRest();
      callback(error);
    });
  }

  override _flush(callback: TransformCallback): void {
    this.endInput();
    callback();
  }

  /** The same framing without a stream: the chunk's whole lines, at once (what `createLineSplitter` runs). */
  cut(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    this.collected = frames;
    try {
      this._transform(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length), 'latin1', () => {});
    } finally {
      this.collected = undefined;
    }
    return frames;
  }

  /** The input ended: a line still held is reported and dropped. */
  endInput(): void {
    if (this.buffer.length > 0 && !this.skipping) {
      this.discard(
        new DecodeError(
          'TRUNCATED',
          this.protocol,
          `input ended inside a line of ${this.buffer.length} bytes`,
        ),
      );
    }
    this.buffer = NO_BYTES;
    this.skipping = false;
  }

  /** What the parser keeps after the last delimiter must not grow past the cap. */
  private capRest(): void {
    const keep = this.delimiter.length - 1;
    if (this.buffer.length <= this.max + keep) return;
    if (!this.skipping) this.tooLong(`a line exceeds ${this.max} bytes`);
    this.skipping = true;
    // Keep a possible first part of the delimiter, drop the rest of the overlong line.
    this.buffer = Buffer.from(this.buffer.subarray(this.buffer.length - keep));
  }

  private tooLong(message: string): void {
    this.discard(new DecodeError('TOO_LONG', this.protocol, message));
  }
}

/** A line framer as a stream: bytes in, one Buffer per line out. */
export function createLineFramer(options: LineSplitterOptions = {}): LineFramer {
  return new LineFramer(options);
}

/** The line framer without streams, for pure code and tests: the very same framing, driven by hand. */
export function createLineSplitter(options: LineSplitterOptions = {}): FrameSplitter {
  const framer = new LineFramer(options);
  return { push: (chunk) => framer.cut(chunk), end: () => framer.endInput() };
}
