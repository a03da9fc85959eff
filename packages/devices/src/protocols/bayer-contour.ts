import type { DeviceAnnunciation, GlucoseMeasurement, GlucoseSpecimen } from '@klinik-desa/protocol';
import { toLatin1 } from '../bytes.js';
import type { DeviceDriver, Dialogue, DialogueEvent, DialogueStep, FramerOptions } from '../driver.js';
import { emptyStep } from '../driver.js';
import { DecodeError, isDecodeError } from '../errors.js';
import { framerStream } from '../framing/index.js';
import {
  ACK,
  type AstmDelimiters,
  CR,
  createAstmSplitter,
  DEFAULT_DELIMITERS,
  delimitersOfHeader,
  ENQ,
  EOT,
  NAK,
  parseAstmFrame,
  STX,
} from './astm.js';

export const ID = 'bayer-contour';

/**
 * Bayer/Ascensia Contour glucometers on a serial cable: ASTM E1381 frames (see astm.ts) carrying
 * ASTM E1394 records, one record per frame, each ending with CR inside the text and the frame with
 * ETB. Records: `H` header (product, serial, unit setting `U=`, record count, meter time), `P`
 * patient, `R` result, `L` terminator.
 *
 * Two result layouts are in use:
 *   Contour Next family: R|seq|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150
 *   older serial Contour: R|seq|^^^Glucose|93|mg/dL^P|ref|flag|usermark|status|||201505261150
 * Markers (`/` or `\` separated): `>`/`<` above/below the meter's range, `B`/`A` before/after a meal,
 * `C` control solution (and `E` in the older status field). Unknown markers are kept in
 * `extra.markers`.
 */
export type ContourUnit = 'mg/dL' | 'mmol/L';

export interface ContourHeader {
  type: 'header';
  delimiters: AstmDelimiters;
  model?: string;
  serialNumber?: string;
  /** The meter's display unit from the `U=` setting. */
  unit?: ContourUnit;
  recordCount?: number;
  meterTime?: string;
}

export type ContourRecord =
  | ContourHeader
  | { type: 'result'; measurement: GlucoseMeasurement }
  | { type: 'patient' }
  | { type: 'terminator' }
  | { type: 'other'; recordType: string };

export interface RecordContext {
  delimiters?: AstmDelimiters;
  /** From the header, for a result whose unit field is empty. */
  unit?: ContourUnit;
}

const TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/;

function parseTime(text: string): string | undefined {
  const match = TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hours, minutes, seconds] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  if (Number(hours) > 23 || Number(minutes) > 59 || (seconds !== undefined && Number(seconds) > 59))
    return undefined;
  return `${year}-${month}-${day}T${hours}:${minutes}${seconds === undefined ? '' : `:${seconds}`}`;
}

function parseHeader(fields: string[], delimiters: AstmDelimiters): ContourHeader {
  const header: ContourHeader = { type: 'header', delimiters };
  const product = (fields[4] ?? '').split(delimiters.component);
  if (product[0]) header.model = product[0];
  if (product[2]) header.serialNumber = product[2];
  for (const setting of (fields[5] ?? '').split(delimiters.component)) {
    if (setting === 'U=0') header.unit = 'mg/dL';
    if (setting === 'U=1') header.unit = 'mmol/L';
  }
  if (/^\d+$/.test(fields[6] ?? '')) header.recordCount = Number(fields[6]);
  const meterTime = parseTime(fields[13] ?? '');
  if (meterTime) header.meterTime = meterTime;
  return header;
}

const METHOD_SPECIMEN: Readonly<Record<string, GlucoseSpecimen>> = {
  B: 'capillary-whole-blood',
  P: 'capillary-plasma',
};

function parseResult(
  fields: string[],
  context: RecordContext,
  delimiters: AstmDelimiters,
): GlucoseMeasurement {
  const sequence = fields[1] ?? '';
  if (!/^\d{1,9}$/.test(sequence))
    throw new DecodeError('BAD_FORMAT', ID, `record number ${JSON.stringify(sequence)}`);
  const test = (fields[2] ?? '').split(delimiters.component).filter(Boolean).pop() ?? '';
  if (test.toLowerCase() !== 'glucose') {
    throw new DecodeError('UNSUPPORTED', ID, `result of ${JSON.stringify(test)}, not glucose`);
  }
  const valueText = fields[3] ?? '';
  if (!/^\d{1,4}(\.\d{1,3})?$/.test(valueText)) {
    throw new DecodeError('BAD_FORMAT', ID, `glucose value ${JSON.stringify(valueText)} is not a number`);
  }
  const [unitText = '', method = ''] = (fields[4] ?? '').split(delimiters.component);
  let unit: ContourUnit;
  if (unitText === 'mg/dL' || unitText === 'mmol/L') unit = unitText;
  else if (unitText === '' && context.unit) unit = context.unit;
  else if (unitText === '')
    throw new DecodeError('BAD_FORMAT', ID, 'no unit in the result and no header before it');
  else throw new DecodeError('UNSUPPORTED', ID, `unit ${JSON.stringify(unitText)}`);

  let timeIndex = -1;
  for (let i = fields.length - 1; i >= 5; i--) {
    if (TIME.test(fields[i]!)) {
      timeIndex = i;
      break;
    }
  }
  const measurement: GlucoseMeasurement = {
    kind: 'glucose',
    concentration: { value: Number(valueText), unit },
    sequenceNumber: Number(sequence),
  };
  const specimen = METHOD_SPECIMEN[method];
  if (specimen) measurement.specimen = specimen;
  if (timeIndex !== -1) {
    const deviceTime = parseTime(fields[timeIndex]!);
    if (deviceTime) measurement.deviceTime = deviceTime;
  }

  // The older layout keeps its status (E = control) at field 9 and the time at field 12.
  const olderLayout = timeIndex >= 11;
  const markerFields = fields.slice(6, timeIndex === -1 ? fields.length : timeIndex);
  const annunciations: DeviceAnnunciation[] = [];
  const unknown: string[] = [];
  let control = false;
  for (const token of markerFields.join('/').split(new RegExp(`[/${escapeRegExp(delimiters.repeat)}]`))) {
    if (token === '') continue;
    if (token === '>') annunciations.push('result-above-device-range');
    else if (token === '<') annunciations.push('result-below-device-range');
    else if (token === 'B') measurement.meal = 'preprandial';
    else if (token === 'A') measurement.meal = 'postprandial';
    else if (token === 'C' || (token === 'E' && olderLayout)) control = true;
    else unknown.push(token);
  }
  if (control) measurement.controlSolution = true;
  // `>600` is the meter's HI: 600 is its limit, not the result.
  const concentration = measurement.concentration;
  if (concentration.value !== null) {
    if (annunciations.includes('result-above-device-range')) concentration.comparator = '>';
    else if (annunciations.includes('result-below-device-range')) concentration.comparator = '<';
  }
  if (annunciations.length > 0) measurement.annunciations = annunciations;
  if (unknown.length > 0) measurement.extra = { markers: unknown.join('/') };
  return measurement;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Parses one E1394 record (the text between CRs). Throws `DecodeError` for a bad result record. */
export function parseContourRecord(record: string, context: RecordContext = {}): ContourRecord {
  const type = record[0];
  if (type === 'H') {
    const delimiters = delimitersOfHeader(record) ?? DEFAULT_DELIMITERS;
    return parseHeader(record.split(delimiters.field), delimiters);
  }
  const delimiters = context.delimiters ?? DEFAULT_DELIMITERS;
  if (type === 'R')
    return { type: 'result', measurement: parseResult(record.split(delimiters.field), context, delimiters) };
  if (type === 'P') return { type: 'patient' };
  if (type === 'L') return { type: 'terminator' };
  if (type === undefined) throw new DecodeError('TRUNCATED', ID, 'empty record');
  if (!/^[A-Z]$/.test(type)) throw new DecodeError('BAD_FORMAT', ID, 'a record starts with its type letter');
  return { type: 'other', recordType: type };
}

/** The first record of a frame (or of bare record text, for support staff typing a line). */
function recordOfFrame(frame: Uint8Array): string {
  if (frame[0] === STX || frame.length === 1) {
    const { text } = parseAstmFrame(frame, ID);
    return text.split('\r')[0] ?? '';
  }
  let end = frame.length;
  while (end > 0 && (frame[end - 1] === CR || frame[end - 1] === 0x0a)) end--;
  return toLatin1(frame.subarray(0, end));
}

function decode(frame: Uint8Array): GlucoseMeasurement {
  const record = parseContourRecord(recordOfFrame(frame));
  if (record.type === 'result') return record.measurement;
  throw new DecodeError('NOT_A_MEASUREMENT', ID, `a ${record.type} record carries no reading`);
}

export interface ContourDialogueOptions {
  /** Times to send EOT (which ends the meter's remote-command mode and prompts its ENQ). Default 3. */
  wakeAttempts?: number;
  /** How long to wait for the meter's ENQ after each EOT. Default 15,000 ms. */
  enqTimeoutMs?: number;
  /**
   * How long a silence inside the transfer lasts before the host NAKs (asking for the frame again).
   * Must stay under the meter's own 15-second reply timer. Default 5,000 ms.
   */
  frameTimeoutMs?: number;
  /** NAKs sent for silence before the transfer is given up. Default 3. */
  silenceNaks?: number;
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Everything one E1381 transfer remembers between frames. */
interface ContourTransfer {
  readonly wakeAttempts: number;
  readonly enqTimeoutMs: number;
  readonly frameTimeoutMs: number;
  readonly silenceNaks: number;
  state: 'waiting-for-enq' | 'receiving' | 'done';
  wakes: number;
  silences: number;
  /** The frame number due next (1–7, then 0). */
  expected: number;
  /** Record text received and not yet cut into records (a record ends at CR). */
  text: string;
  context: RecordContext;
}

function step(t: ContourTransfer, patch: Partial<DialogueStep> = {}): DialogueStep {
  const result: DialogueStep = { ...emptyStep(), ...patch, done: t.state === 'done' };
  if (t.state === 'waiting-for-enq') result.timeoutMs = t.enqTimeoutMs;
  if (t.state === 'receiving') result.timeoutMs = t.frameTimeoutMs;
  return result;
}

function meterInfo(header: ContourHeader): DialogueEvent {
  const detail: Record<string, string | number> = {};
  if (header.model) detail['model'] = header.model;
  if (header.serialNumber) detail['serialNumber'] = header.serialNumber;
  if (header.unit) detail['unit'] = header.unit;
  if (header.recordCount !== undefined) detail['recordCount'] = header.recordCount;
  if (header.meterTime) detail['meterTime'] = header.meterTime;
  return { type: 'meter-info', detail };
}

/** Cuts every whole record out of the text received so far: the header sets the context, results become readings. */
function takeRecords(t: ContourTransfer, result: DialogueStep): void {
  let at = t.text.indexOf('\r');
  while (at !== -1) {
    const record = t.text.slice(0, at);
    t.text = t.text.slice(at + 1);
    at = t.text.indexOf('\r');
    if (record === '') continue;
    try {
      const parsed = parseContourRecord(record, t.context);
      if (parsed.type === 'header') {
        t.context = { delimiters: parsed.delimiters, ...(parsed.unit ? { unit: parsed.unit } : {}) };
        result.events.push(meterInfo(parsed));
      } else if (parsed.type === 'result') {
        result.measurements.push(parsed.measurement);
      }
    } catch (error) {
      if (isDecodeError(error)) result.errors.push(error);
      else throw error;
    }
  }
}

function finish(t: ContourTransfer, result: DialogueStep): DialogueStep {
  if (t.text !== '') {
    result.errors.push(new DecodeError('TRUNCATED', ID, 'transfer ended inside a record'));
    t.text = '';
  }
  t.state = 'done';
  result.done = true;
  delete result.timeoutMs;
  return result;
}

/** A one-byte frame inside the transfer: EOT ends it, a repeated ENQ starts it again. */
function onControl(t: ContourTransfer, control: number | undefined): DialogueStep {
  if (control === EOT) {
    const result = step(t);
    takeRecords(t, result);
    result.events.push({ type: 'transfer-complete', detail: {} });
    return finish(t, result);
  }
  if (control === ENQ) {
    t.expected = 1;
    t.text = '';
    return step(t, { write: [Uint8Array.of(ACK)] });
  }
  return step(t);
}

/** A data frame: ACK it when it is the one due (or a repeat), NAK a bad or skipped one. */
function onDataFrame(t: ContourTransfer, frame: Uint8Array): DialogueStep {
  let parsed: ReturnType<typeof parseAstmFrame>;
  try {
    parsed = parseAstmFrame(frame, ID);
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    return step(t, { write: [Uint8Array.of(NAK)], errors: [error] });
  }
  t.silences = 0;
  if (parsed.frameNumber === t.expected) {
    t.expected = (t.expected + 1) % 8;
    t.text += parsed.text;
    const result = step(t, { write: [Uint8Array.of(ACK)] });
    takeRecords(t, result);
    return result;
  }
  if (parsed.frameNumber === (t.expected + 7) % 8) return step(t, { write: [Uint8Array.of(ACK)] });
  return step(t, {
    write: [Uint8Array.of(NAK)],
    errors: [
      new DecodeError('OUT_OF_SEQUENCE', ID, `frame ${parsed.frameNumber} where ${t.expected} was due`),
    ],
  });
}

function onFrame(t: ContourTransfer, frame: Uint8Array): DialogueStep {
  if (t.state === 'done') return step(t);
  if (t.state === 'waiting-for-enq') {
    if (frame.length !== 1 || frame[0] !== ENQ) return step(t);
    t.state = 'receiving';
    t.expected = 1;
    t.text = '';
    t.silences = 0;
    return step(t, { write: [Uint8Array.of(ACK)] });
  }
  return frame.length === 1 ? onControl(t, frame[0]) : onDataFrame(t, frame);
}

/** Silence: wake the meter again with EOT, or NAK inside the transfer, until the attempts run out. */
function onTimeout(t: ContourTransfer): DialogueStep {
  if (t.state === 'waiting-for-enq') {
    if (t.wakes < t.wakeAttempts) {
      t.wakes++;
      return step(t, { write: [Uint8Array.of(EOT)] });
    }
    const error = new DecodeError('TIMEOUT', ID, 'the meter never sent ENQ: is it on and in transfer mode?');
    return finish(t, step(t, { errors: [error] }));
  }
  if (t.state === 'receiving') {
    if (t.silences < t.silenceNaks) {
      t.silences++;
      return step(t, { write: [Uint8Array.of(NAK)] });
    }
    return finish(
      t,
      step(t, { errors: [new DecodeError('TIMEOUT', ID, 'the meter stopped sending mid-transfer')] }),
    );
  }
  return step(t);
}

/**
 * The host's side of an E1381 transfer, as a pure state machine. The meter sends; the host ACKs good
 * frames in sequence, ACKs a repeated frame without using it again (its ACK was lost), NAKs a bad
 * checksum or a skipped frame number, and ends at EOT.
 */
export function createContourDialogue(options: ContourDialogueOptions = {}): Dialogue {
  const t: ContourTransfer = {
    wakeAttempts: positiveInteger(options.wakeAttempts, 'wakeAttempts', 3),
    enqTimeoutMs: positiveInteger(options.enqTimeoutMs, 'enqTimeoutMs', 15_000),
    frameTimeoutMs: positiveInteger(options.frameTimeoutMs, 'frameTimeoutMs', 5_000),
    silenceNaks: positiveInteger(options.silenceNaks, 'silenceNaks', 3),
    state: 'waiting-for-enq',
    wakes: 0,
    silences: 0,
    expected: 1,
    text: '',
    context: {},
  };
  return {
    start() {
      t.wakes = 1;
      return step(t, { write: [Uint8Array.of(EOT)] });
    },
    onFrame: (frame) => onFrame(t, frame),
    onTimeout: () => onTimeout(t),
  };
}

export const bayerContour: DeviceDriver = {
  id: ID,
  name: 'ASTM E1381/E1394 (Bayer/Ascensia Contour serial)',
  vendor: 'Bayer / Ascensia',
  models: [
    'Contour (serial cable)',
    'Breeze 2',
    'Contour Next family (same records over USB HID, not read here)',
  ],
  transport: 'serial',
  kinds: ['glucose'],
  mode: 'dialogue',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, dtr: true },
  framing: { type: 'custom', maxFrameBytes: 300 },
  confidence: 'confirmed',
  decode,
  createSplitter: (options: FramerOptions = {}) => createAstmSplitter({ ...options, protocol: ID }),
  createFramer: (options: FramerOptions = {}) =>
    framerStream(createAstmSplitter({ ...options, protocol: ID })),
  createDialogue: (options?: Record<string, unknown>) =>
    createContourDialogue(options as ContourDialogueOptions),
};
