import type { GlucoseMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toBytes, toLatin1 } from '../bytes.js';
import { decode } from '../registry.js';
import { createContourMeterSimulator, encodeContourResult } from '../simulate/index.js';
import { framesOf, runDialogue, splitAt } from '../testing/index.js';
import { ACK, buildAstmFrame, createAstmSplitter, ENQ, EOT, NAK, parseAstmFrame } from './astm.js';
import { createContourDialogue, parseContourRecord } from './bayer-contour.js';

const PUBLISHED = fromHex(
  '0235527c337c5e5e5e476c75636f73657c39337c6d672f644c5e507c7c412f4d302f54317c7c3230313530353236313135300d1737340d0a',
);

const reading = (
  value: number,
  sequenceNumber: number,
  extra: Partial<GlucoseMeasurement> = {},
): GlucoseMeasurement => ({
  kind: 'glucose',
  concentration: { value, unit: 'mg/dL' },
  sequenceNumber,
  specimen: 'capillary-plasma',
  deviceTime: `2025-01-0${sequenceNumber}T08:00`,
  ...extra,
});

describe('ASTM E1381 frames', () => {
  it('checks the published Contour frame and its checksum', () => {
    expect(parseAstmFrame(PUBLISHED, 'test')).toEqual({
      frameNumber: 5,
      text: 'R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150\r',
      last: false,
    });
    const bad = PUBLISHED.slice();
    bad[10] = 0x38;
    expect(() => parseAstmFrame(bad, 'test')).toThrow(expect.objectContaining({ code: 'BAD_CHECKSUM' }));
    expect(buildAstmFrame(5, 'R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150\r', false)).toEqual(PUBLISHED);
  });

  it('splits control characters and frames, dropping noise and cut-off frames', () => {
    const discarded: string[] = [];
    const splitter = createAstmSplitter({ onDiscard: (e) => discarded.push(e.code) });
    const input = concatBytes([
      Uint8Array.of(ENQ),
      toBytes('noise'),
      PUBLISHED.subarray(0, 20),
      PUBLISHED,
      Uint8Array.of(EOT),
    ]);
    expect(framesOf(splitter, [input])).toEqual([Uint8Array.of(ENQ), PUBLISHED, Uint8Array.of(EOT)]);
    expect(discarded).toEqual(['BAD_FORMAT', 'BAD_FORMAT']);
  });

  it('drops a frame that grows past its maximum', () => {
    const discarded: string[] = [];
    const splitter = createAstmSplitter({ maxFrameBytes: 30, onDiscard: (e) => discarded.push(e.code) });
    expect(framesOf(splitter, splitAt(concatBytes([PUBLISHED, Uint8Array.of(ACK)]), [7, 30]))).toEqual([
      Uint8Array.of(ACK),
    ]);
    expect(discarded).toContain('TOO_LONG');
  });
});

describe('Contour records (E1394)', () => {
  it('reads the older serial layout: flag, user mark, status E = control', () => {
    const record = 'R|2|^^^Glucose|105|mg/dL^B|0|>|B|E|||200801011230';
    const parsed = parseContourRecord(record);
    expect(parsed).toEqual({
      type: 'result',
      measurement: {
        kind: 'glucose',
        concentration: { value: 105, unit: 'mg/dL', comparator: '>' },
        sequenceNumber: 2,
        specimen: 'capillary-whole-blood',
        deviceTime: '2008-01-01T12:30',
        meal: 'preprandial',
        controlSolution: true,
        annunciations: ['result-above-device-range'],
      },
    });
  });

  it("keeps `>600` and `<20` as the meter's limit with its comparator, never as the result", () => {
    const hi = parseContourRecord('R|3|^^^Glucose|600|mg/dL^P||>||200801011230');
    expect(hi).toMatchObject({
      measurement: {
        concentration: { value: 600, unit: 'mg/dL', comparator: '>' },
        annunciations: ['result-above-device-range'],
      },
    });
    const lo = parseContourRecord('R|4|^^^Glucose|20|mg/dL^P||<||200801011230');
    expect(lo).toMatchObject({
      measurement: {
        concentration: { value: 20, unit: 'mg/dL', comparator: '<' },
        annunciations: ['result-below-device-range'],
      },
    });
  });

  it('reads a header: model, serial, unit setting, count, meter time', () => {
    const header = parseContourRecord(
      'H|\\^&||abc123|Bayer7350^01.14\\01.03\\04.18^7358-1611135^0000-|A=1^C=00^U=1^V=20600|4|||||P|1|201505291248',
    );
    expect(header).toMatchObject({
      type: 'header',
      model: 'Bayer7350',
      serialNumber: '7358-1611135',
      unit: 'mmol/L',
      recordCount: 4,
      meterTime: '2015-05-29T12:48',
    });
  });

  it('takes the unit from the header when a result has none, and refuses other tests', () => {
    expect(parseContourRecord('R|1|^^^Glucose|5.6|^P||||201501010800', { unit: 'mmol/L' })).toMatchObject({
      measurement: { concentration: { value: 5.6, unit: 'mmol/L' } },
    });
    expect(() => parseContourRecord('R|1|^^^Insulin|5|U||||201501010800')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
    expect(() => parseContourRecord('R|1|^^^Glucose|HI|mg/dL^P||||201501010800')).toThrow(
      expect.objectContaining({ code: 'BAD_FORMAT' }),
    );
  });

  it('decodes a bare record line typed by support staff as well as a frame', () => {
    expect(decode('bayer-contour', 'R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150')).toEqual(
      decode('bayer-contour', PUBLISHED),
    );
    expect(decode('bayer-contour', Uint8Array.of(ENQ))).toMatchObject({
      ok: false,
      error: { code: 'NOT_A_MEASUREMENT' },
    });
  });
});

describe('Contour dialogue (host side of E1381)', () => {
  const readings = [reading(93, 1), reading(140, 2, { meal: 'preprandial' }), reading(88, 3)];

  it('wakes the meter, ACKs every frame and collects every result', () => {
    const meter = createContourMeterSimulator(readings, { unit: 'mg/dL' });
    const transcript = runDialogue(createContourDialogue(), meter, createAstmSplitter());
    expect(transcript.done).toBe(true);
    expect(transcript.errors).toEqual([]);
    expect(transcript.measurements).toEqual(readings);
    expect(transcript.events.map((e) => e.type)).toEqual(['meter-info', 'transfer-complete']);
    expect(transcript.written[0]).toEqual(Uint8Array.of(EOT));
  });

  it('NAKs a bad checksum and takes the retransmission once', () => {
    const meter = createContourMeterSimulator(readings, { corruptFirstSending: [2, 3] });
    const transcript = runDialogue(createContourDialogue(), meter, createAstmSplitter());
    expect(transcript.measurements).toEqual(readings);
    expect(transcript.errors.map((e) => e.code)).toEqual(['BAD_CHECKSUM', 'BAD_CHECKSUM']);
    expect(transcript.written.filter((w) => w[0] === NAK)).toHaveLength(2);
  });

  it('ACKs a repeated frame (its ACK was lost) without counting the reading twice', () => {
    const dialogue = createContourDialogue();
    dialogue.start();
    dialogue.onFrame(Uint8Array.of(ENQ));
    const frame = buildAstmFrame(1, `${encodeContourResult(readings[0]!)}\r`, false);
    expect(dialogue.onFrame(frame).measurements).toHaveLength(1);
    const repeat = dialogue.onFrame(frame);
    expect(repeat.write).toEqual([Uint8Array.of(ACK)]);
    expect(repeat.measurements).toEqual([]);
    const skipped = dialogue.onFrame(buildAstmFrame(5, 'P|1\r', false));
    expect(skipped.write).toEqual([Uint8Array.of(NAK)]);
    expect(skipped.errors[0]?.code).toBe('OUT_OF_SEQUENCE');
  });

  it('NAKs a silence mid-transfer, then gives up with TIMEOUT', () => {
    const dialogue = createContourDialogue({ silenceNaks: 2 });
    dialogue.start();
    expect(dialogue.onFrame(Uint8Array.of(ENQ)).timeoutMs).toBe(5_000);
    expect(dialogue.onTimeout().write).toEqual([Uint8Array.of(NAK)]);
    expect(dialogue.onTimeout().write).toEqual([Uint8Array.of(NAK)]);
    const last = dialogue.onTimeout();
    expect(last.done).toBe(true);
    expect(last.errors[0]?.code).toBe('TIMEOUT');
  });

  it('gives up after its wake attempts when no ENQ comes', () => {
    const transcript = runDialogue(
      createContourDialogue({ wakeAttempts: 2 }),
      { onBytes: () => [] },
      createAstmSplitter(),
    );
    expect(transcript.written).toEqual([Uint8Array.of(EOT), Uint8Array.of(EOT)]);
    expect(transcript.errors.map((e) => e.code)).toEqual(['TIMEOUT']);
    expect(transcript.done).toBe(true);
  });

  it('refuses bad options at once', () => {
    expect(() => createContourDialogue({ frameTimeoutMs: 0 })).toThrow(RangeError);
  });

  it('keeps a record split over ETB frames together', () => {
    const long = encodeContourResult(readings[0]!);
    const dialogue = createContourDialogue();
    dialogue.start();
    dialogue.onFrame(Uint8Array.of(ENQ));
    expect(dialogue.onFrame(buildAstmFrame(1, long.slice(0, 10), false)).measurements).toEqual([]);
    const second = dialogue.onFrame(buildAstmFrame(2, `${long.slice(10)}\r`, true));
    expect(second.measurements).toEqual([readings[0]]);
    expect(toLatin1(second.write[0]!)).toBe(String.fromCharCode(ACK));
  });
});
