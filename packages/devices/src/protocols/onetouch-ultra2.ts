import type { DeviceAnnunciation, GlucoseMeasurement, MealContext } from '@klinik-desa/protocol';
import { byteSum, toBytes, toLatin1 } from '../bytes.js';
import type { DeviceDriver, Dialogue, DialogueStep } from '../driver.js';
import { emptyStep } from '../driver.js';
import { DecodeError, EncodeError, isDecodeError } from '../errors.js';

export const ID = 'onetouch-ultra2';

/**
 * LifeScan OneTouch Ultra 2 serial protocol (9600 8N1, LifeScan's published RS-232 document).
 * The host sends DC1 CR (11 0D), a command and CR. Every reply line is the payload, a space, four
 * uppercase hex digits (the 16-bit sum of the payload bytes) and CR LF.
 *
 * `DMP` (dump) answers a header `P nnn,"SERIALNOY","MG/DL "` and then nnn readings, newest first:
 *   P "SAT","03/21/15","16:45:24   ","  081 ","N","03", 00 09B6
 * The value field is control flag (`C` or space), space, three digits in mg/dL whatever the display
 * unit, parity flag (`?` or space). Meal N/B/A, comment 00–11.
 *
 * The meter reads 20–600 mg/dL. A result it showed as HI is stored as a number above 600, LO as one
 * below 20 (what LifeScan's document and the uploaders that read it go by): that number is not a
 * measurement, so it becomes the limit with a comparator (`> 600`, `< 20`), as Contour's `>`/`<`,
 * and the stored number is kept as `extra.reportedValue`.
 *
 * `DMZ` erases the meter's memory: it cannot be built here.
 */
export type OneTouchCommand = 'DM?' | 'DM@' | 'DMF' | 'DMSU?' | 'DMP';
const ALLOWED_COMMANDS: readonly string[] = ['DM?', 'DM@', 'DMF', 'DMSU?', 'DMP'];

/** The bytes that send `command`; anything but the read-only commands is refused. */
export function oneTouchCommand(command: OneTouchCommand): Uint8Array {
  if (!ALLOWED_COMMANDS.includes(command)) {
    throw new EncodeError(
      'NOT_ENCODABLE',
      ID,
      `${JSON.stringify(command)} is not a read-only command; DMZ (erase) is never sent`,
    );
  }
  return toBytes(`\x11\r${command}\r`);
}

export const COMMENTS = [
  undefined,
  'not-enough-food',
  'too-much-food',
  'mild-exercise',
  'hard-exercise',
  'medication',
  'stress',
  'illness',
  'feel-hypo',
  'menses',
  'vacation',
  'other',
];
const MEALS: Readonly<Record<string, MealContext | undefined>> = {
  N: undefined,
  B: 'preprandial',
  A: 'postprandial',
};
export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
export const PARITY_ERROR: DeviceAnnunciation = 'record-parity-error';
/** The meter's measuring range: beyond it the display says HI or LO. */
export const ONETOUCH_RANGE = { low: 20, high: 600 } as const;

export type OneTouchLine =
  | { type: 'dump-header'; count: number; serialNumber: string; displayUnit: 'mg/dL' | 'mmol/L' }
  | { type: 'reading'; measurement: GlucoseMeasurement }
  /** A reply to another command (serial number, firmware, clock, unit), payload without checksum. */
  | { type: 'reply'; payload: string };

const HEADER = /^P (\d{3}),"([0-9A-Z]{9})","(MG\/DL |MMOL\/L)"$/;
const READING =
  /^P "([A-Z]{3})","(\d{2})\/(\d{2})\/(\d{2})","(\d{2}):(\d{2}):(\d{2}) {3}","([C ]) (\d{3})([? ])","([NBA])","(\d{2})", 00$/;

/** Checks the checksum and returns the payload. */
export function checkOneTouchLine(frame: Uint8Array | string): string {
  const bytes = toBytes(frame);
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  if (end === 0) throw new DecodeError('TRUNCATED', ID, 'empty line');
  const text = toLatin1(bytes.subarray(0, end));
  const match = /^([\s\S]*) ([0-9A-F]{4})$/.exec(text);
  if (!match) throw new DecodeError('BAD_FORMAT', ID, 'a reply line ends with a space and four hex digits');
  const payloadLength = match[1]!.length;
  const sum = byteSum(bytes, 0, payloadLength, 16);
  const given = Number.parseInt(match[2]!, 16);
  if (sum !== given) {
    throw new DecodeError(
      'BAD_CHECKSUM',
      ID,
      `checksum ${match[2]} does not match ${sum.toString(16).toUpperCase().padStart(4, '0')}`,
    );
  }
  return match[1]!;
}

function readingOf(match: RegExpExecArray): GlucoseMeasurement {
  // The weekday is the meter's own and is not checked: a wrong one is no reason to lose a reading.
  const [, , month, day, year, hours, minutes, seconds, control, value, parity, meal, comment] = match;
  const y = 2000 + Number(year);
  const date = new Date(Date.UTC(y, Number(month) - 1, Number(day)));
  if (
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day) ||
    Number(hours) > 23 ||
    Number(minutes) > 59 ||
    Number(seconds) > 59
  ) {
    throw new DecodeError(
      'BAD_FORMAT',
      ID,
      `${month}/${day}/${year} ${hours}:${minutes}:${seconds} is not a date`,
    );
  }
  const commentCode = Number(comment);
  if (commentCode > 11) throw new DecodeError('BAD_FORMAT', ID, `comment ${comment} is not 00–11`);
  const mgPerDl = Number(value);
  const measurement: GlucoseMeasurement = {
    kind: 'glucose',
    // A parity error means the meter's stored record is damaged: its number is kept aside, never used.
    concentration:
      parity === '?'
        ? { value: null, unit: 'mg/dL', missing: 'unsuccessful' }
        : { value: mgPerDl, unit: 'mg/dL' },
    deviceTime: `${y}-${month}-${day}T${hours}:${minutes}:${seconds}`,
  };
  const mealContext = MEALS[meal!];
  if (mealContext) measurement.meal = mealContext;
  if (control === 'C') measurement.controlSolution = true;
  const extra: Record<string, string | number> = {};
  const commentName = COMMENTS[commentCode];
  if (commentName) extra['comment'] = commentName;
  if (parity === '?') {
    measurement.annunciations = [PARITY_ERROR];
    extra['reportedValue'] = mgPerDl;
  } else if (mgPerDl > ONETOUCH_RANGE.high || mgPerDl < ONETOUCH_RANGE.low) {
    const high = mgPerDl > ONETOUCH_RANGE.high;
    measurement.concentration = {
      value: high ? ONETOUCH_RANGE.high : ONETOUCH_RANGE.low,
      unit: 'mg/dL',
      comparator: high ? '>' : '<',
    };
    measurement.annunciations = [high ? 'result-above-device-range' : 'result-below-device-range'];
    extra['reportedValue'] = mgPerDl;
  }
  if (Object.keys(extra).length > 0) measurement.extra = extra;
  return measurement;
}

export function parseOneTouchLine(frame: Uint8Array | string): OneTouchLine {
  const payload = checkOneTouchLine(frame);
  const header = HEADER.exec(payload);
  if (header) {
    return {
      type: 'dump-header',
      count: Number(header[1]),
      serialNumber: header[2]!,
      displayUnit: header[3] === 'MMOL/L' ? 'mmol/L' : 'mg/dL',
    };
  }
  const reading = READING.exec(payload);
  if (reading) return { type: 'reading', measurement: readingOf(reading) };
  if (payload.startsWith('P '))
    throw new DecodeError('BAD_FORMAT', ID, 'a dump line that is neither header nor reading');
  return { type: 'reply', payload };
}

function decode(frame: Uint8Array): GlucoseMeasurement {
  const line = parseOneTouchLine(frame);
  if (line.type === 'reading') return line.measurement;
  throw new DecodeError('NOT_A_MEASUREMENT', ID, `a ${line.type} line carries no reading`);
}

export function withChecksum(payload: string): Uint8Array {
  const bytes = toBytes(payload);
  const sum = byteSum(bytes, 0, bytes.length, 16).toString(16).toUpperCase().padStart(4, '0');
  return toBytes(`${payload} ${sum}\r\n`);
}

export interface OneTouchDialogueOptions {
  /** How long to wait for the next line. Default 5,000 ms. */
  responseTimeoutMs?: number;
  /** Times the dump is requested before giving up (a line with a bad checksum asks for a new dump). Default 3. */
  attempts?: number;
}

/**
 * Reads the meter's memory with `DMP`. Readings are handed on when a whole dump has arrived with
 * every checksum right; a damaged line asks for the dump again, and after the last attempt the good
 * readings are handed on with an error for each bad line.
 */
export function createOneTouchDialogue(options: OneTouchDialogueOptions = {}): Dialogue {
  const timeoutMs = options.responseTimeoutMs ?? 5_000;
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new RangeError('responseTimeoutMs must be a positive integer');
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new RangeError('attempts must be a positive integer');

  let state: 'waiting-for-header' | 'reading' | 'done' = 'waiting-for-header';
  let attempt = 0;
  let expected = 0;
  let received = 0;
  let readings: GlucoseMeasurement[] = [];
  let lineErrors: DecodeError[] = [];

  const step = (patch: Partial<DialogueStep> = {}): DialogueStep => {
    const result: DialogueStep = { ...emptyStep(), ...patch, done: state === 'done' };
    if (state !== 'done') result.timeoutMs = timeoutMs;
    return result;
  };
  const requestDump = (patch: Partial<DialogueStep> = {}): DialogueStep => {
    attempt++;
    state = 'waiting-for-header';
    readings = [];
    lineErrors = [];
    received = 0;
    return step({ ...patch, write: [oneTouchCommand('DMP')] });
  };
  const finish = (patch: Partial<DialogueStep>): DialogueStep => {
    state = 'done';
    const result = step({
      ...patch,
      measurements: readings,
      errors: [...lineErrors, ...(patch.errors ?? [])],
    });
    readings = [];
    lineErrors = [];
    return result;
  };
  const dumpComplete = (): DialogueStep => {
    if (lineErrors.length > 0 && attempt < attempts) {
      // The damaged lines are reported though the dump is asked again: a cable that garbles lines is
      // counted in the device's status even when the retry reads every record.
      return requestDump({
        events: [{ type: 'dump-retry', detail: { badLines: lineErrors.length, attempt } }],
        errors: lineErrors,
      });
    }
    return finish({ events: [{ type: 'records-transferred', detail: { count: readings.length } }] });
  };

  return {
    start: () => requestDump(),
    onFrame(frame) {
      if (state === 'done') return step();
      let line: OneTouchLine;
      try {
        line = parseOneTouchLine(frame);
      } catch (error) {
        if (!isDecodeError(error)) throw error;
        if (state === 'waiting-for-header') return step({ errors: [error] });
        lineErrors.push(error);
        received++;
        return received >= expected ? dumpComplete() : step();
      }
      if (line.type === 'dump-header') {
        expected = line.count;
        received = 0;
        state = 'reading';
        const events = [
          {
            type: 'meter-info',
            detail: { serialNumber: line.serialNumber, displayUnit: line.displayUnit, count: line.count },
          },
        ];
        return expected === 0 ? finish({ events }) : step({ events });
      }
      if (line.type === 'reading' && state === 'reading') {
        readings.push(line.measurement);
        received++;
        return received >= expected ? dumpComplete() : step();
      }
      return step();
    },
    onTimeout() {
      if (state === 'done') return step();
      if (attempt < attempts) return requestDump();
      return finish({
        errors: [
          new DecodeError('TIMEOUT', ID, 'the meter stopped answering: is the cable in and the meter off?'),
        ],
      });
    },
  };
}

export const onetouchUltra2: DeviceDriver = {
  id: ID,
  name: 'LifeScan OneTouch Ultra 2 serial protocol',
  vendor: 'LifeScan',
  models: ['OneTouch Ultra 2 (not UltraMini or UltraEasy: they speak a binary protocol)'],
  transport: 'serial',
  kinds: ['glucose'],
  mode: 'dialogue',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  framing: { type: 'line', delimiter: '\r\n', maxFrameBytes: 128 },
  confidence: 'confirmed',
  decode,
  createDialogue: (options?: Record<string, unknown>) =>
    createOneTouchDialogue(options as OneTouchDialogueOptions),
};
