import { Transform, type TransformCallback } from 'node:stream';

/**
 * Caps a line before the line parser sees it. `@serialport/parser-readline` buffers without limit,
 * so a device spewing bytes with no newline would grow memory until the kiosk dies; this cuts such
 * a run after `maxLineBytes` by inserting the delimiter. The cut piece fails to decode and is
 * counted, the stream goes on.
 */
export class LineGuard extends Transform {
  private sinceDelimiter = 0;
  private readonly last: number;

  constructor(
    private readonly delimiter: Buffer,
    private readonly maxLineBytes: number,
  ) {
    super();
    if (delimiter.length === 0) throw new TypeError('delimiter must not be empty');
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1)
      throw new TypeError('maxLineBytes must be a positive integer');
    this.last = delimiter[delimiter.length - 1] as number;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let start = 0;
    const pieces: Buffer[] = [];
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === this.last) {
        this.sinceDelimiter = 0;
        continue;
      }
      this.sinceDelimiter++;
      if (this.sinceDelimiter > this.maxLineBytes) {
        pieces.push(chunk.subarray(start, i), this.delimiter);
        start = i;
        this.sinceDelimiter = 1;
      }
    }
    pieces.push(chunk.subarray(start));
    callback(null, pieces.length === 1 ? chunk : Buffer.concat(pieces));
  }
}
