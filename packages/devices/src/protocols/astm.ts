import { byteSum, toBytes, toLatin1 } from '../bytes.js';
import type { FramerOptions, FrameSplitter } from '../driver.js';
import { DecodeError } from '../errors.js';
import { checkMaxFrameBytes } from '../framing/index.js';

/**
 * ASTM E1381 low-level protocol, as serial glucometers speak it:
 *
 *   sender: ENQ                 receiver: ACK
 *   sender: STX FN text ETB|ETX C1 C2 CR LF      receiver: ACK (good) or NAK (resend)
 *   ...                          (FN counts 1..7, 0, 1, ...)
 *   sender: EOT
 *
 * C1 C2 is the sum of the bytes from FN through ETB/ETX inclusive, modulo 256, in uppercase hex.
 * A frame carries at most 240 characters of text; a longer record continues in the next frame
 * (ETB), the last frame of a message ends with ETX.
 */
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ENQ = 0x05;
export const ACK = 0x06;
export const NAK = 0x15;
export const ETB = 0x17;
export const CR = 0x0d;
export const LF = 0x0a;

export const MAX_TEXT_LENGTH = 240;
/** STX FN text(240) ETB C1 C2 CR LF. */
export const MAX_FRAME_LENGTH = MAX_TEXT_LENGTH + 7;

const CONTROL_NAMES: Readonly<Record<number, string>> = {
  [ENQ]: 'ENQ',
  [EOT]: 'EOT',
  [ACK]: 'ACK',
  [NAK]: 'NAK',
};

export interface AstmFrame {
  /** 0–7. */
  frameNumber: number;
  text: string;
  /** ETB: more of the message follows; ETX: the message ends here. */
  last: boolean;
}

const HEX = '0123456789ABCDEF';

export function astmChecksum(bytes: Uint8Array, start: number, end: number): string {
  const sum = byteSum(bytes, start, end, 8);
  return HEX[sum >> 4]! + HEX[sum & 0x0f]!;
}

/** Parses and checks one `STX ... LF` frame. */
export function parseAstmFrame(frame: Uint8Array, protocol: string): AstmFrame {
  if (frame.length === 0) throw new DecodeError('TRUNCATED', protocol, 'empty frame');
  if (frame.length === 1 && CONTROL_NAMES[frame[0]!]) {
    throw new DecodeError(
      'NOT_A_MEASUREMENT',
      protocol,
      `${CONTROL_NAMES[frame[0]!]} is a control character`,
    );
  }
  if (frame[0] !== STX) throw new DecodeError('BAD_FORMAT', protocol, 'a frame starts with STX');
  let end = -1;
  for (let i = 2; i < frame.length; i++) {
    const b = frame[i]!;
    if (b === ETX || b === ETB) {
      end = i;
      break;
    }
  }
  if (end === -1) throw new DecodeError('TRUNCATED', protocol, 'no ETX or ETB');
  if (frame.length < end + 5)
    throw new DecodeError('TRUNCATED', protocol, 'checksum or CR LF missing after ETX/ETB');
  if (frame.length > end + 5) throw new DecodeError('BAD_FORMAT', protocol, 'bytes after CR LF');
  if (frame[end + 3] !== CR || frame[end + 4] !== LF)
    throw new DecodeError('BAD_FORMAT', protocol, 'no CR LF after the checksum');
  const digit = frame[1]!;
  if (digit < 0x30 || digit > 0x37) throw new DecodeError('BAD_FORMAT', protocol, 'frame number is not 0–7');
  const expected = astmChecksum(frame, 1, end + 1);
  const given = String.fromCharCode(frame[end + 1]!, frame[end + 2]!);
  if (given.toUpperCase() !== expected) {
    throw new DecodeError('BAD_CHECKSUM', protocol, `checksum ${given} does not match ${expected}`);
  }
  if (end - 2 > MAX_TEXT_LENGTH)
    throw new DecodeError('BAD_FORMAT', protocol, `text longer than ${MAX_TEXT_LENGTH}`);
  return { frameNumber: digit - 0x30, text: toLatin1(frame.subarray(2, end)), last: frame[end] === ETX };
}

export function buildAstmFrame(frameNumber: number, text: string, last: boolean): Uint8Array {
  const body = toBytes(
    `${String.fromCharCode(0x30 + (frameNumber & 7))}${text}${String.fromCharCode(last ? ETX : ETB)}`,
  );
  const out = new Uint8Array(body.length + 5);
  out[0] = STX;
  out.set(body, 1);
  const checksum = astmChecksum(body, 0, body.length);
  out[body.length + 1] = checksum.charCodeAt(0);
  out[body.length + 2] = checksum.charCodeAt(1);
  out[body.length + 3] = CR;
  out[body.length + 4] = LF;
  return out;
}

/**
 * Cuts E1381 traffic into frames: each control character (ENQ, EOT, ACK, NAK) alone, and each
 * `STX ... ETB|ETX C1 C2 CR LF` whole. A frame cut short by a new STX or a control character is
 * dropped (BAD_FORMAT); noise between frames is dropped (BAD_FORMAT); a frame growing past the
 * maximum is dropped (TOO_LONG). The dialogue answers what it gets, and a silence with NAK.
 */
export function createAstmSplitter(options: FramerOptions & { protocol?: string } = {}): FrameSplitter {
  const max = checkMaxFrameBytes(options.maxFrameBytes, MAX_FRAME_LENGTH + 53, 8);
  const protocol = options.protocol ?? 'astm';
  const discard = options.onDiscard ?? (() => {});
  let frame: number[] | null = null;
  // Position of ETX/ETB in `frame` once seen: four more bytes (C1 C2 CR LF) end the frame.
  let terminatorAt = -1;
  let noise = 0;

  const flushNoise = () => {
    if (noise > 0) discard(new DecodeError('BAD_FORMAT', protocol, `${noise} byte(s) outside any frame`));
    noise = 0;
  };

  return {
    push(chunk) {
      const frames: Uint8Array[] = [];
      for (const b of chunk) {
        if (frame !== null && terminatorAt === -1 && (b === STX || CONTROL_NAMES[b])) {
          discard(new DecodeError('BAD_FORMAT', protocol, 'frame cut short before ETX/ETB'));
          frame = null;
        }
        if (frame === null) {
          if (b === STX) {
            flushNoise();
            frame = [b];
            terminatorAt = -1;
          } else if (CONTROL_NAMES[b]) {
            flushNoise();
            frames.push(Uint8Array.of(b));
          } else {
            noise++;
          }
          continue;
        }
        frame.push(b);
        if (terminatorAt === -1 && (b === ETX || b === ETB)) terminatorAt = frame.length - 1;
        if (terminatorAt !== -1 && frame.length === terminatorAt + 5) {
          frames.push(Uint8Array.from(frame));
          frame = null;
        } else if (frame.length > max) {
          discard(new DecodeError('TOO_LONG', protocol, `frame exceeds ${max} bytes`));
          frame = null;
        }
      }
      return frames;
    },
    end() {
      flushNoise();
      if (frame !== null) discard(new DecodeError('TRUNCATED', protocol, 'input ended inside a frame'));
      frame = null;
      terminatorAt = -1;
    },
  };
}

/** ASTM E1394 record fields: `|` fields, `\` repeats, `^` components, `&` escape. */
export interface AstmDelimiters {
  field: string;
  repeat: string;
  component: string;
  escape: string;
}

export const DEFAULT_DELIMITERS: AstmDelimiters = { field: '|', repeat: '\\', component: '^', escape: '&' };

/** The delimiters a header record (`H|\^&...`) declares. */
export function delimitersOfHeader(record: string): AstmDelimiters | undefined {
  if (record.length < 5 || record[0] !== 'H') return undefined;
  return { field: record[1]!, repeat: record[2]!, component: record[3]!, escape: record[4]! };
}
