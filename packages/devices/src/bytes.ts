import { DecodeError } from './errors.js';

/** Frames arrive as bytes from a port or as text from a line parser; decoders see bytes. */
export function toBytes(frame: Uint8Array | string): Uint8Array {
  if (typeof frame !== 'string') return frame;
  const out = new Uint8Array(frame.length);
  for (let i = 0; i < frame.length; i++) out[i] = frame.charCodeAt(i) & 0xff;
  return out;
}

const hasBuffer = typeof Buffer === 'function';

/** Bytes as latin1 text: every byte maps to one character, so nothing is lost or rejected. */
export function toLatin1(bytes: Uint8Array): string {
  if (hasBuffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Value of each ASCII hex digit, -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Hex (whitespace allowed between digits) to bytes. Throws TypeError on anything else. */
export function fromHex(hex: string): Uint8Array {
  const clean = /\s/.test(hex) ? hex.replace(/\s+/g, '') : hex;
  if (clean.length % 2 !== 0) throw new TypeError(`not a hex string: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = HEX_VALUE[clean.charCodeAt(i * 2)] ?? -1;
    const low = HEX_VALUE[clean.charCodeAt(i * 2 + 1)] ?? -1;
    if (high < 0 || low < 0) throw new TypeError(`not a hex string: ${hex}`);
    out[i] = (high << 4) | low;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Sum of the bytes from `start` (inclusive) to `end` (exclusive), modulo 2^bits. */
export function byteSum(bytes: Uint8Array, start: number, end: number, bits: 8 | 16): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i]!;
  return bits === 8 ? sum & 0xff : sum & 0xffff;
}

/**
 * Reads little-endian fields from one frame. Every read names its field, so a short frame is
 * reported as `TRUNCATED: <field>` and support staff can see which optional field was announced
 * but never sent.
 */
export class ByteReader {
  offset = 0;
  readonly bytes: Uint8Array;
  readonly protocol: string;

  constructor(bytes: Uint8Array, protocol: string) {
    this.bytes = bytes;
    this.protocol = protocol;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  need(count: number, field: string): void {
    if (this.offset + count > this.bytes.length) {
      throw new DecodeError(
        'TRUNCATED',
        this.protocol,
        `${field}: needs ${count} byte(s) at offset ${this.offset}, the frame has ${this.bytes.length}`,
      );
    }
  }

  u8(field: string): number {
    if (this.offset + 1 > this.bytes.length) this.need(1, field);
    return this.bytes[this.offset++]!;
  }

  u16(field: string): number {
    if (this.offset + 2 > this.bytes.length) this.need(2, field);
    const b = this.bytes;
    const value = b[this.offset]! | (b[this.offset + 1]! << 8);
    this.offset += 2;
    return value;
  }

  s16(field: string): number {
    const value = this.u16(field);
    return value & 0x8000 ? value - 0x10000 : value;
  }

  u24(field: string): number {
    if (this.offset + 3 > this.bytes.length) this.need(3, field);
    const b = this.bytes;
    const value = b[this.offset]! | (b[this.offset + 1]! << 8) | (b[this.offset + 2]! << 16);
    this.offset += 3;
    return value;
  }

  u32(field: string): number {
    if (this.offset + 4 > this.bytes.length) this.need(4, field);
    const b = this.bytes;
    const value =
      (b[this.offset]! |
        (b[this.offset + 1]! << 8) |
        (b[this.offset + 2]! << 16) |
        (b[this.offset + 3]! << 24)) >>>
      0;
    this.offset += 4;
    return value;
  }
}

/** Builds a little-endian frame; the simulators' half of `ByteReader`. */
export class ByteWriter {
  private buffer = new Uint8Array(32);
  private length = 0;

  private grow(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  u8(value: number): this {
    this.grow(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  u16(value: number): this {
    this.grow(2);
    this.buffer[this.length++] = value & 0xff;
    this.buffer[this.length++] = (value >>> 8) & 0xff;
    return this;
  }

  u24(value: number): this {
    this.u16(value & 0xffff);
    return this.u8((value >>> 16) & 0xff);
  }

  u32(value: number): this {
    this.u16(value & 0xffff);
    return this.u16((value >>> 16) & 0xffff);
  }

  bytes(values: Uint8Array): this {
    this.grow(values.length);
    this.buffer.set(values, this.length);
    this.length += values.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
