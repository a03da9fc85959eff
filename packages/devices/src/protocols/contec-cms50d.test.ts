import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes.js';
import { decode } from '../registry.js';
import { framesOf } from '../testing/index.js';
import { createCms50Splitter } from './contec-cms50d.js';

describe('contec-cms50d-plus', () => {
  it('decodes a live packet, pulse rate bit 7 included', () => {
    // pulse 150 = 0x96: bit 7 in byte 2 (0x40), low bits 0x16 in byte 3
    expect(decode('contec-cms50d-plus', Uint8Array.of(0xc6, 0x40, 0x45, 0x16, 0x61))).toEqual({
      ok: true,
      measurement: {
        kind: 'pulse-oximetry',
        spo2: { value: 97, unit: '%' },
        pulseRate: { value: 150, unit: '/min' },
        extra: { signalStrength: 6, pulseBeep: true, plethysmogram: 64, barGraph: 5 },
      },
    });
  });

  it('gives no number while the finger is out', () => {
    const result = decode('contec-cms50d-plus', Uint8Array.of(0x90, 0x00, 0x60, 0x7f, 0x7f));
    expect(result).toMatchObject({
      ok: true,
      measurement: {
        spo2: { value: null, missing: 'unsuccessful' },
        pulseRate: { value: null, missing: 'unsuccessful' },
        annunciations: ['finger-out', 'searching'],
      },
    });
  });

  it('resynchronises on the sync bit', () => {
    const packet = Uint8Array.of(0xc6, 0x40, 0x05, 0x48, 0x61);
    const discarded: string[] = [];
    const splitter = createCms50Splitter({ onDiscard: (e) => discarded.push(e.code) });
    const frames = framesOf(splitter, [
      concatBytes([Uint8Array.of(0x01, 0x02), packet.subarray(0, 3), packet, packet]),
    ]);
    expect(frames).toEqual([packet, packet]);
    expect(discarded).toEqual(['BAD_FORMAT', 'BAD_FORMAT']);
    expect(() => createCms50Splitter({ maxFrameBytes: 4 })).toThrow(RangeError);
  });
});
