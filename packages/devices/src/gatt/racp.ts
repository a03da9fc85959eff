import { ByteReader, ByteWriter } from '../bytes.js';
import { DecodeError } from '../errors.js';

/**
 * Record Access Control Point (0x2A52): how a collector asks a glucose meter for its stored records.
 * The collector writes a request; the meter sends the records as 0x2A18 (and 0x2A34) notifications,
 * then indicates a response on this characteristic. Op codes: 1 report stored records, 2 delete
 * stored records, 3 abort, 4 report number of stored records, 5 number of records response,
 * 6 response code. Operators: 0 null, 1 all, 2 ≤, 3 ≥, 4 within range, 5 first, 6 last. For the
 * Glucose service, filter type 1 is the sequence number (uint16).
 *
 * There is deliberately no builder for op code 2: a kiosk must never delete a meter's records.
 */
export const RACP_OP = {
  reportStoredRecords: 1,
  deleteStoredRecords: 2,
  abortOperation: 3,
  reportNumberOfRecords: 4,
  numberOfRecordsResponse: 5,
  responseCode: 6,
} as const;

export const RACP_OPERATOR = {
  null: 0,
  allRecords: 1,
  lessThanOrEqual: 2,
  greaterThanOrEqual: 3,
  withinRange: 4,
  firstRecord: 5,
  lastRecord: 6,
} as const;

export const RACP_FILTER_SEQUENCE_NUMBER = 1;

export const RACP_RESPONSE_CODES = {
  1: 'success',
  2: 'op-code-not-supported',
  3: 'invalid-operator',
  4: 'operator-not-supported',
  5: 'invalid-operand',
  6: 'no-records-found',
  7: 'abort-unsuccessful',
  8: 'procedure-not-completed',
  9: 'operand-not-supported',
} as const;
export type RacpResponseCode = (typeof RACP_RESPONSE_CODES)[keyof typeof RACP_RESPONSE_CODES];

/** Which records a request selects. */
export type RacpSelection = { records: 'all' } | { records: 'from-sequence'; sequenceNumber: number };

export type RacpMessage =
  | { type: 'report-stored-records'; selection: RacpSelection }
  | { type: 'report-number-of-records'; selection: RacpSelection }
  | { type: 'abort' }
  | { type: 'number-of-records'; count: number }
  | { type: 'response'; requestOpCode: number; response: RacpResponseCode | `unknown-${number}` }
  /** A request this package never sends (delete, other operators); parsed so a log can show it. */
  | { type: 'other'; opCode: number; operator: number; operand: Uint8Array };

const ID = 'gatt-2a52';

function writeSelection(writer: ByteWriter, selection: RacpSelection): void {
  if (selection.records === 'all') {
    writer.u8(RACP_OPERATOR.allRecords);
    return;
  }
  if (
    !Number.isInteger(selection.sequenceNumber) ||
    selection.sequenceNumber < 0 ||
    selection.sequenceNumber > 0xffff
  ) {
    throw new RangeError(`sequence number ${selection.sequenceNumber} is not a uint16`);
  }
  writer.u8(RACP_OPERATOR.greaterThanOrEqual).u8(RACP_FILTER_SEQUENCE_NUMBER).u16(selection.sequenceNumber);
}

/** "Send me these records" (op code 1). */
export function racpReportStoredRecords(selection: RacpSelection = { records: 'all' }): Uint8Array {
  const writer = new ByteWriter().u8(RACP_OP.reportStoredRecords);
  writeSelection(writer, selection);
  return writer.finish();
}

/** "How many records would that be?" (op code 4). */
export function racpReportNumberOfRecords(selection: RacpSelection = { records: 'all' }): Uint8Array {
  const writer = new ByteWriter().u8(RACP_OP.reportNumberOfRecords);
  writeSelection(writer, selection);
  return writer.finish();
}

export function racpAbort(): Uint8Array {
  return Uint8Array.of(RACP_OP.abortOperation, RACP_OPERATOR.null);
}

/** The meter's side, for simulators: the record count. */
export function racpNumberOfRecordsResponse(count: number): Uint8Array {
  return new ByteWriter().u8(RACP_OP.numberOfRecordsResponse).u8(RACP_OPERATOR.null).u16(count).finish();
}

/** The meter's side, for simulators: how a request ended. */
export function racpResponseCode(requestOpCode: number, response: RacpResponseCode): Uint8Array {
  const code = Number(Object.entries(RACP_RESPONSE_CODES).find(([, name]) => name === response)?.[0] ?? 0);
  return Uint8Array.of(RACP_OP.responseCode, RACP_OPERATOR.null, requestOpCode, code);
}

function readSelection(reader: ByteReader, operator: number): RacpSelection | undefined {
  if (operator === RACP_OPERATOR.allRecords && reader.remaining === 0) return { records: 'all' };
  if (operator === RACP_OPERATOR.greaterThanOrEqual) {
    const filter = reader.u8('filter type');
    if (filter !== RACP_FILTER_SEQUENCE_NUMBER) return undefined;
    const sequenceNumber = reader.u16('sequence number');
    return reader.remaining === 0 ? { records: 'from-sequence', sequenceNumber } : undefined;
  }
  return undefined;
}

export function decodeRacp(frame: Uint8Array): RacpMessage {
  const reader = new ByteReader(frame, ID);
  const opCode = reader.u8('op code');
  const operator = reader.u8('operator');
  const start = reader.offset;
  switch (opCode) {
    case RACP_OP.reportStoredRecords:
    case RACP_OP.reportNumberOfRecords: {
      const selection = readSelection(reader, operator);
      if (selection) {
        return {
          type: opCode === RACP_OP.reportStoredRecords ? 'report-stored-records' : 'report-number-of-records',
          selection,
        };
      }
      break;
    }
    case RACP_OP.abortOperation:
      if (operator === RACP_OPERATOR.null && reader.remaining === 0) return { type: 'abort' };
      break;
    case RACP_OP.numberOfRecordsResponse: {
      if (operator !== RACP_OPERATOR.null)
        throw new DecodeError('BAD_FORMAT', ID, 'a response has the null operator');
      return { type: 'number-of-records', count: reader.u16('number of records') };
    }
    case RACP_OP.responseCode: {
      if (operator !== RACP_OPERATOR.null)
        throw new DecodeError('BAD_FORMAT', ID, 'a response has the null operator');
      const requestOpCode = reader.u8('request op code');
      const code = reader.u8('response code');
      const response =
        RACP_RESPONSE_CODES[code as keyof typeof RACP_RESPONSE_CODES] ?? (`unknown-${code}` as const);
      return { type: 'response', requestOpCode, response };
    }
    default:
      if (opCode === 0 || opCode > RACP_OP.responseCode) {
        throw new DecodeError('BAD_FORMAT', ID, `op code ${opCode} is reserved`);
      }
  }
  return { type: 'other', opCode, operator, operand: frame.slice(start) };
}
