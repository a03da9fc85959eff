import { isDecodeError } from '../../errors.js';
import { splitGatewayLine } from './lines.js';

/** The ERR a gateway sends for a command line it cannot carry out as written. */
export interface BadCommandAnswer {
  /** The line's id when its frame is sound and its second field is one; `null` (sent as `-`) otherwise. */
  id: number | null;
  /** `BAD_CHECKSUM`: the frame is damaged (no `*CRC`, a CRC not four upper-case hex digits, a mismatch). `BAD_COMMAND`: a sound frame whose command is unknown or has wrong fields. */
  code: 'BAD_CHECKSUM' | 'BAD_COMMAND';
}

/**
 * Which ERR answers a `$` command line that `parseGatewayCommand()` refused, by the rules of
 * docs/gateway-protocol.md ("For firmware authors"), which the firmware core follows too. A damaged
 * frame's id is never echoed: it cannot be trusted.
 */
export function answerToBadCommandLine(frame: Uint8Array | string): BadCommandAnswer {
  let fields: string[];
  try {
    fields = splitGatewayLine(frame);
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    return { id: null, code: 'BAD_CHECKSUM' };
  }
  const idText = fields[1];
  const id = idText !== undefined && /^-?\d{1,10}$/.test(idText) ? Number(idText) : Number.NaN;
  return { id: id >= 0 && id <= 65535 ? id : null, code: 'BAD_COMMAND' };
}
