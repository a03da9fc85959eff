import { ReadlineParser } from '@serialport/parser-readline';
import { describe, expect, it } from 'vitest';
import { toBytes, toLatin1 } from '../bytes.js';
import { getDriver } from '../registry.js';
import { framesOf, framesOfStream, splitAt } from '../testing/index.js';
import { createFramerFor, createLineFramer, createLineSplitter, createSplitter } from './index.js';

describe('line framer', () => {
  it('emits lines without their delimiter, skipping empty ones', () => {
    const frames = framesOf(createLineSplitter(), [toBytes('ST,+00062.45 kg\r\n\r\nUS,+00061.00 kg\r\n')]);
    expect(frames.map(toLatin1)).toEqual(['ST,+00062.45 kg', 'US,+00061.00 kg']);
  });

  it('keeps a delimiter split across chunks', () => {
    const input = toBytes('abc\r\ndef\r\n');
    for (let cut = 0; cut <= input.length; cut++) {
      expect(framesOf(createLineSplitter(), splitAt(input, [cut])).map(toLatin1)).toEqual(['abc', 'def']);
    }
  });

  it('drops an overlong line whole and reports it once, then carries on', () => {
    const codes: string[] = [];
    const splitter = createLineSplitter({ maxFrameBytes: 8, onDiscard: (e) => codes.push(e.code) });
    const input = toBytes('0123456789abcdef\r\nok\r\n');
    expect(framesOf(splitter, splitAt(input, [3, 11, 17])).map(toLatin1)).toEqual(['ok']);
    expect(codes).toEqual(['TOO_LONG']);
  });

  it('reports a line cut off by the end of the input', () => {
    const codes: string[] = [];
    framesOf(createLineSplitter({ onDiscard: (e) => codes.push(e.code) }), [toBytes('partial')]);
    expect(codes).toEqual(['TRUNCATED']);
  });

  it('refuses bad options at once', () => {
    expect(() => createLineSplitter({ maxFrameBytes: 0 })).toThrow(RangeError);
    expect(() => createLineSplitter({ delimiter: '' })).toThrow(RangeError);
  });

  it('works as a Node Transform', async () => {
    const frames = await framesOfStream(createLineFramer({ delimiter: '\n' }), [
      toBytes('a\nb'),
      toBytes('c\n'),
    ]);
    expect(frames.map(toLatin1)).toEqual(['a', 'bc']);
  });

  it('drops an overlong line whole as a stream too, counted once, never in halves', async () => {
    const codes: string[] = [];
    const framer = createLineFramer({ maxFrameBytes: 8, onDiscard: (e) => codes.push(e.code) });
    const input = toBytes('0123456789abcdef\r\nok\r\ntail');
    const frames = await framesOfStream(framer, splitAt(input, [3, 11, 17]));
    expect(frames.map(toLatin1)).toEqual(['ok']);
    expect(codes).toEqual(['TOO_LONG', 'TRUNCATED']);
  });

  it("is serialport's readline parser, and frames every line driver the same as its splitter", async () => {
    const driver = getDriver('ad-scale');
    const framer = createFramerFor(driver);
    expect(framer).toBeInstanceOf(ReadlineParser);
    const input = toBytes('ST,+00062.45 kg\r\n\r\nUS,+00061.00 kg\r\n');
    expect(await framesOfStream(framer, [input])).toEqual(framesOf(createSplitter(driver), [input]));
  });

  it('gives every driver with custom framing a stream framer', async () => {
    const contour = createFramerFor(getDriver('bayer-contour'));
    const frames = await framesOfStream(contour, [Uint8Array.of(0x05), Uint8Array.of(0x04)]);
    expect(frames).toEqual([Uint8Array.of(0x05), Uint8Array.of(0x04)]);
  });
});
