import { byteSum, toBytes, toLatin1 } from '../bytes.js';
import type { ProtocolInfo } from '../driver.js';
import { astmChecksum, ETB, ETX } from '../protocols/astm.js';
import { crc16 } from '../protocols/ble-gateway/index.js';
import { BUILT_IN_DRIVERS } from '../registry.js';
import { simulatedDriver } from '../simulate/index.js';
import { BUILT_IN_ARBITRARIES, describeDriverConformance } from './index.js';

const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');

/** Checksum fixers let fuzzed content through the checksum to the parser behind it. */
const FIX_CHECKSUM: Record<string, (frame: Uint8Array) => Uint8Array> = {
  tanita(frame) {
    const text = toLatin1(frame);
    const at = text.lastIndexOf(',CS,');
    if (at === -1) return frame;
    return toBytes(`${text.slice(0, at + 4)}${hex(byteSum(frame, 0, at + 1, 8), 2)}\r\n`);
  },
  'onetouch-ultra2'(frame) {
    const text = toLatin1(frame).replace(/\r?\n?$/, '');
    const at = text.lastIndexOf(' ');
    if (at === -1) return frame;
    return toBytes(`${text.slice(0, at)} ${hex(byteSum(frame, 0, at, 16), 4)}\r\n`);
  },
  'bayer-contour'(frame) {
    const end = frame.findIndex((b, i) => i > 1 && (b === ETX || b === ETB));
    if (end === -1 || frame.length < end + 3) return frame;
    const fixed = frame.slice();
    const checksum = astmChecksum(frame, 1, end + 1);
    fixed[end + 1] = checksum.charCodeAt(0);
    fixed[end + 2] = checksum.charCodeAt(1);
    return fixed;
  },
  'ble-gateway'(frame) {
    const text = toLatin1(frame).replace(/\r?\n?$/, '');
    const star = text.lastIndexOf('*');
    if (star < 1) return frame;
    return toBytes(`${text.slice(0, star)}*${hex(crc16(frame, 1, star), 4)}\r\n`);
  },
};

const DIALOGUE_OPTIONS: Record<string, Record<string, unknown>> = {
  'ble-gateway': { devices: [{ address: 'A4:C1:38:12:34:56', records: 'all' }] },
};

/**
 * Runs the conformance suite on every built-in driver of one transport. Split by transport into
 * two test files so that they run in parallel.
 */
export function describeBuiltInConformance(transport: ProtocolInfo['transport']): void {
  for (const driver of BUILT_IN_DRIVERS.filter((d) => d.transport === transport)) {
    const fixChecksum = FIX_CHECKSUM[driver.id];
    const dialogueOptions = DIALOGUE_OPTIONS[driver.id];
    const measurements = BUILT_IN_ARBITRARIES[driver.id];
    describeDriverConformance(simulatedDriver(driver.id), {
      ...(measurements ? { measurements } : {}),
      ...(fixChecksum ? { fixChecksum } : {}),
      ...(dialogueOptions ? { dialogueOptions } : {}),
    });
  }
}
