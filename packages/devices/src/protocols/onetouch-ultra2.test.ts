import type { GlucoseMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { toBytes, toLatin1 } from '../bytes.js';
import { createLineSplitter } from '../framing/index.js';
import { decode } from '../registry.js';
import { createOneTouchMeterSimulator, encodeOneTouchDumpHeader } from '../simulate/index.js';
import { runDialogue } from '../testing/index.js';
import { createOneTouchDialogue, oneTouchCommand, parseOneTouchLine } from './onetouch-ultra2.js';

const readings: GlucoseMeasurement[] = [
  {
    kind: 'glucose',
    concentration: { value: 81, unit: 'mg/dL' },
    deviceTime: '2015-03-21T16:45:24',
    extra: { comment: 'mild-exercise' },
  },
  {
    kind: 'glucose',
    concentration: { value: 126, unit: 'mg/dL' },
    deviceTime: '2015-03-20T07:01:00',
    meal: 'preprandial',
  },
  {
    kind: 'glucose',
    concentration: { value: 180, unit: 'mg/dL' },
    deviceTime: '2015-03-19T21:30:10',
    controlSolution: true,
  },
];

describe('OneTouch Ultra 2 lines', () => {
  it('checks the 16-bit sum of the payload', () => {
    expect(toLatin1(encodeOneTouchDumpHeader(3, 'ABC12345Y', 'mg/dL'))).toMatch(
      /^P 003,"ABC12345Y","MG\/DL " [0-9A-F]{4}\r\n$/,
    );
    expect(parseOneTouchLine(encodeOneTouchDumpHeader(3, 'ABC12345Y', 'mmol/L'))).toEqual({
      type: 'dump-header',
      count: 3,
      serialNumber: 'ABC12345Y',
      displayUnit: 'mmol/L',
    });
    expect(() => parseOneTouchLine('P 003,"ABC12345Y","MG/DL " 0000')).toThrow(
      expect.objectContaining({ code: 'BAD_CHECKSUM' }),
    );
    expect(() => parseOneTouchLine('P 003,"ABC12345Y","MG/DL "')).toThrow(
      expect.objectContaining({ code: 'BAD_FORMAT' }),
    );
  });

  it('keeps a record with a parity error out of the readings (its number is not trusted)', () => {
    const line = toBytes('P "SAT","03/21/15","16:45:24   ","  081?","N","00", 00');
    let sum = 0;
    for (const b of line) sum += b;
    const result = decode(
      'onetouch-ultra2',
      `${toLatin1(line)} ${sum.toString(16).toUpperCase().padStart(4, '0')}\r\n`,
    );
    expect(result).toMatchObject({
      ok: true,
      measurement: {
        concentration: { value: null, missing: 'unsuccessful' },
        annunciations: ['record-parity-error'],
        extra: { reportedValue: 81 },
      },
    });
  });

  it.each([
    ['601', '>', 600, 'result-above-device-range'],
    ['999', '>', 600, 'result-above-device-range'],
    ['019', '<', 20, 'result-below-device-range'],
    ['000', '<', 20, 'result-below-device-range'],
  ] as const)(
    'decodes a stored %s (HI or LO on the display) as %s %d, keeping the stored number',
    (stored, comparator, limit, member) => {
      const line = toBytes(`P "SAT","03/21/15","16:45:24   ","  ${stored} ","N","00", 00`);
      let sum = 0;
      for (const b of line) sum += b;
      const result = decode(
        'onetouch-ultra2',
        `${toLatin1(line)} ${sum.toString(16).toUpperCase().padStart(4, '0')}\r\n`,
      );
      expect(result).toMatchObject({
        ok: true,
        measurement: {
          concentration: { value: limit, unit: 'mg/dL', comparator },
          annunciations: [member],
          extra: { reportedValue: Number(stored) },
        },
      });
    },
  );

  it('decodes the range’s own ends (20 and 600) as plain numbers', () => {
    for (const stored of ['020', '600']) {
      const line = toBytes(`P "SAT","03/21/15","16:45:24   ","  ${stored} ","N","00", 00`);
      let sum = 0;
      for (const b of line) sum += b;
      const result = decode(
        'onetouch-ultra2',
        `${toLatin1(line)} ${sum.toString(16).toUpperCase().padStart(4, '0')}\r\n`,
      );
      expect(result).toMatchObject({ ok: true, measurement: { concentration: { value: Number(stored) } } });
      if (result.ok) expect(result.measurement).not.toHaveProperty('annunciations');
    }
  });

  it('builds only read-only commands: DMZ (erase) cannot be sent', () => {
    expect(toLatin1(oneTouchCommand('DMP'))).toBe('\x11\rDMP\r');
    expect(() => oneTouchCommand('DMZ' as never)).toThrow(/never sent/);
  });
});

describe('OneTouch dialogue', () => {
  it('dumps the memory and hands on every reading', () => {
    const meter = createOneTouchMeterSimulator(readings);
    const transcript = runDialogue(createOneTouchDialogue(), meter, createLineSplitter());
    expect(transcript.done).toBe(true);
    expect(transcript.errors).toEqual([]);
    expect(transcript.measurements).toEqual(readings);
    expect(meter.commands).toEqual(['DMP']);
  });

  it('asks again for a dump with a damaged line, and never sends DMZ', () => {
    const meter = createOneTouchMeterSimulator(readings, { corruptFirstDumpLine: 1 });
    const transcript = runDialogue(createOneTouchDialogue(), meter, createLineSplitter());
    expect(transcript.measurements).toEqual(readings);
    expect(transcript.events.map((e) => e.type)).toContain('dump-retry');
    // The damaged line is reported (counted in the device's status), and read right the second time.
    expect(transcript.errors.map((e) => e.code)).toEqual(['BAD_CHECKSUM']);
    expect(meter.commands).toEqual(['DMP', 'DMP']);
    expect(meter.commands).not.toContain('DMZ');
  });

  it('finishes at once on an empty memory', () => {
    const transcript = runDialogue(
      createOneTouchDialogue(),
      createOneTouchMeterSimulator([]),
      createLineSplitter(),
    );
    expect(transcript.done).toBe(true);
    expect(transcript.measurements).toEqual([]);
  });

  it('retries a silent meter, then reports TIMEOUT', () => {
    const transcript = runDialogue(
      createOneTouchDialogue({ attempts: 2 }),
      { onBytes: () => [] },
      createLineSplitter(),
    );
    expect(transcript.written.map(toLatin1)).toEqual(['\x11\rDMP\r', '\x11\rDMP\r']);
    expect(transcript.errors.map((e) => e.code)).toEqual(['TIMEOUT']);
  });
});
