import { toLatin1 } from '../bytes.js';
import { GATEWAY_MAX_LINE_BYTES } from '../protocols/ble-gateway/index.js';

/** A `$` line from the agent (without its LF), or a `$` line that passed the cap before its LF. */
export type CommandLineEvent = { type: 'line'; text: string } | { type: 'too-long' };

/**
 * Splits the agent's bytes into command lines as the firmware's line reader does: up to 1,200 bytes
 * before the LF (the agent's framer allows as much); a longer `$` line is reported once and dropped
 * up to its LF; lines without `$` (noise) and empty lines are skipped.
 */
export function createCommandLineSplitter(): (bytes: Uint8Array) => CommandLineEvent[] {
  let buffer = '';
  /** Inside a line already reported as too long: dropped up to its LF. */
  let skipping = false;
  return (bytes) => {
    buffer += toLatin1(bytes);
    const events: CommandLineEvent[] = [];
    for (let at = buffer.indexOf('\n'); ; at = buffer.indexOf('\n')) {
      const end = at === -1 ? buffer.length : at;
      if (at === -1 && end <= GATEWAY_MAX_LINE_BYTES) break;
      const text = buffer.slice(0, end);
      buffer = at === -1 ? '' : buffer.slice(at + 1);
      const reported = skipping;
      skipping = at === -1;
      if (reported || !text.startsWith('$')) continue;
      events.push(end > GATEWAY_MAX_LINE_BYTES ? { type: 'too-long' } : { type: 'line', text });
    }
    return events;
  };
}
