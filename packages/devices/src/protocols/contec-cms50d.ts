import type { DeviceAnnunciation, DeviceValue, PulseOximetryMeasurement } from '@klinik-desa/protocol';
import type { DeviceDriver, FramerOptions, FrameSplitter } from '../driver.js';
import { DecodeError } from '../errors.js';
import { checkMaxFrameBytes, framerStream } from '../framing/index.js';

export const ID = 'contec-cms50d-plus';

/**
 * Contec CMS50D+ pulse oximeter, older firmware (19200 baud, 8 data bits, odd parity): a stream of
 * 5-byte live packets, 60 a second. Only the first byte has bit 7 set (the sync bit).
 *   byte 0: bits 0–3 signal strength, bit 4 finger out, bit 5 SpO2 dropping, bit 6 pulse beep
 *   byte 1: plethysmogram sample (0–127)
 *   byte 2: bits 0–3 bar graph, bit 4 probe error, bit 5 searching, bit 6 bit 7 of the pulse rate
 *   byte 3: bits 0–6 of the pulse rate
 *   byte 4: SpO2 (0–127)
 * While the finger is out or the oximeter is searching it sends SpO2 127 and pulse rate 255: these
 * are not readings. Source: two independent open-source readers (hobby code); newer firmware (4.x)
 * uses a different, command-driven protocol not implemented here.
 */
export const PACKET_LENGTH = 5;
export const SYNC = 0x80;
export const NO_SPO2 = 127;
export const NO_PULSE = 255;

const STATUS_BITS: readonly [number, number, DeviceAnnunciation][] = [
  [0, 0x10, 'finger-out'],
  [0, 0x20, 'spo2-dropping'],
  [2, 0x10, 'probe-error'],
  [2, 0x20, 'searching'],
];

function decode(frame: Uint8Array): PulseOximetryMeasurement {
  if (frame.length < PACKET_LENGTH)
    throw new DecodeError('TRUNCATED', ID, `a packet has 5 bytes, got ${frame.length}`);
  if (frame.length > PACKET_LENGTH)
    throw new DecodeError('BAD_FORMAT', ID, `a packet has 5 bytes, got ${frame.length}`);
  if (!(frame[0]! & SYNC)) throw new DecodeError('BAD_FORMAT', ID, 'the first byte has no sync bit');
  for (let i = 1; i < PACKET_LENGTH; i++) {
    if (frame[i]! & SYNC) throw new DecodeError('BAD_FORMAT', ID, `byte ${i} has the sync bit set`);
  }
  const spo2Raw = frame[4]!;
  const pulseRaw = ((frame[2]! & 0x40) << 1) | frame[3]!;
  const spo2: DeviceValue =
    spo2Raw === NO_SPO2 || spo2Raw === 0
      ? { value: null, unit: '%', missing: 'unsuccessful' }
      : { value: spo2Raw, unit: '%' };
  const pulseRate: DeviceValue =
    pulseRaw === NO_PULSE || pulseRaw === 0
      ? { value: null, unit: '/min', missing: 'unsuccessful' }
      : { value: pulseRaw, unit: '/min' };
  const measurement: PulseOximetryMeasurement = { kind: 'pulse-oximetry', spo2, pulseRate };
  const annunciations: DeviceAnnunciation[] = [];
  for (const [byte, mask, name] of STATUS_BITS) if (frame[byte]! & mask) annunciations.push(name);
  if (annunciations.length > 0) measurement.annunciations = annunciations;
  measurement.extra = {
    signalStrength: frame[0]! & 0x0f,
    pulseBeep: (frame[0]! & 0x40) !== 0,
    plethysmogram: frame[1]!,
    barGraph: frame[2]! & 0x0f,
  };
  return measurement;
}

/**
 * Cuts the stream at sync bits: a packet is a sync byte and the four bytes after it. A sync byte
 * arriving early ends the partial packet before it (dropped as BAD_FORMAT); bytes before the first
 * sync byte are dropped too. Packets are always 5 bytes, so `maxFrameBytes` cannot go below 5.
 */
export function createCms50Splitter(options: FramerOptions = {}): FrameSplitter {
  checkMaxFrameBytes(options.maxFrameBytes, PACKET_LENGTH, PACKET_LENGTH);
  const discard = options.onDiscard ?? (() => {});
  let packet: number[] = [];
  let noise = 0;
  return {
    push(chunk) {
      const frames: Uint8Array[] = [];
      for (const b of chunk) {
        if (b & SYNC) {
          if (packet.length > 0)
            discard(new DecodeError('BAD_FORMAT', ID, `packet cut short after ${packet.length} bytes`));
          if (noise > 0) discard(new DecodeError('BAD_FORMAT', ID, `${noise} byte(s) before a sync byte`));
          noise = 0;
          packet = [b];
        } else if (packet.length > 0) {
          packet.push(b);
          if (packet.length === PACKET_LENGTH) {
            frames.push(Uint8Array.from(packet));
            packet = [];
          }
        } else {
          noise++;
        }
      }
      return frames;
    },
    end() {
      if (packet.length > 0) discard(new DecodeError('TRUNCATED', ID, 'input ended inside a packet'));
      packet = [];
      noise = 0;
    },
  };
}

export const contecCms50d: DeviceDriver = {
  id: ID,
  name: 'Contec CMS50D+ live stream (older firmware)',
  vendor: 'Contec',
  models: ['CMS50D+ (firmware before 4.x)'],
  transport: 'serial',
  kinds: ['pulse-oximetry'],
  mode: 'stream',
  serial: { baudRate: 19200, dataBits: 8, parity: 'odd', stopBits: 1 },
  framing: { type: 'custom', maxFrameBytes: PACKET_LENGTH },
  confidence: 'partial',
  decode,
  createSplitter: (options?: FramerOptions) => createCms50Splitter(options),
  createFramer: (options?: FramerOptions) => framerStream(createCms50Splitter(options)),
};
