import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { toLatin1 } from '../bytes.js';
import { EncodeError } from '../errors.js';
import { COMMENTS, ID, PARITY_ERROR, WEEKDAYS, withChecksum } from '../protocols/onetouch-ultra2.js';
import type { DeviceSimulation } from './simulation.js';

export function encodeOneTouchDumpHeader(
  count: number,
  serialNumber: string,
  displayUnit: 'mg/dL' | 'mmol/L',
): Uint8Array {
  if (!/^[0-9A-Z]{9}$/.test(serialNumber))
    throw new EncodeError('NOT_ENCODABLE', ID, 'a serial number is 9 letters or digits');
  if (!Number.isInteger(count) || count < 0 || count > 999)
    throw new EncodeError('OUT_OF_RANGE', ID, 'count is 0–999');
  return withChecksum(
    `P ${String(count).padStart(3, '0')},"${serialNumber}","${displayUnit === 'mmol/L' ? 'MMOL/L' : 'MG/DL '}"`,
  );
}

function encode(measurement: DeviceMeasurement): Uint8Array {
  if (measurement.kind !== 'glucose')
    throw new EncodeError('WRONG_KIND', ID, `encodes glucose, not ${measurement.kind}`);
  const { concentration } = measurement;
  if (concentration.unit !== 'mg/dL')
    throw new EncodeError('UNSUPPORTED_UNIT', ID, 'the meter stores mg/dL only');
  const parityError = measurement.annunciations?.includes(PARITY_ERROR) ?? false;
  const reported = measurement.extra?.['reportedValue'];
  // HI and LO are stored as a number beyond the range: the one the meter stored, else the next one.
  const comparator = concentration.value !== null ? concentration.comparator : undefined;
  const beyond =
    comparator === undefined
      ? undefined
      : typeof reported === 'number'
        ? reported
        : (concentration.value ?? 0) + (comparator === '>' ? 1 : -1);
  const value = parityError && typeof reported === 'number' ? reported : (beyond ?? concentration.value);
  if (value === null || !Number.isInteger(value) || value < 0 || value > 999) {
    throw new EncodeError('NOT_ENCODABLE', ID, 'a reading is a whole number of mg/dL, 0–999');
  }
  const time = /^20(\d{2})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(measurement.deviceTime ?? '');
  if (!time) throw new EncodeError('NOT_ENCODABLE', ID, 'a reading needs a deviceTime in 2000–2099');
  const [, yy, mm, dd, hh, mi, ss = '00'] = time;
  const weekday = WEEKDAYS[new Date(Date.UTC(2000 + Number(yy), Number(mm) - 1, Number(dd))).getUTCDay()];
  const meal = measurement.meal === 'preprandial' ? 'B' : measurement.meal === 'postprandial' ? 'A' : 'N';
  const commentName = measurement.extra?.['comment'];
  const comment = typeof commentName === 'string' ? Math.max(0, COMMENTS.indexOf(commentName)) : 0;
  const control = measurement.controlSolution ? 'C' : ' ';
  return withChecksum(
    `P "${weekday}","${mm}/${dd}/${yy}","${hh}:${mi}:${ss}   ","${control} ${String(value).padStart(3, '0')}${parityError ? '?' : ' '}","${meal}","${String(comment).padStart(2, '0')}", 00`,
  );
}

/**
 * A OneTouch Ultra 2 for tests and demos: answers DMP, DM@, DM? and DMF, and records every command
 * it was sent so a test can prove DMZ never was.
 */
export function createOneTouchMeterSimulator(
  readings: readonly DeviceMeasurement[],
  options: { serialNumber?: string; displayUnit?: 'mg/dL' | 'mmol/L'; corruptFirstDumpLine?: number } = {},
): { onBytes(bytes: Uint8Array): Uint8Array[]; readonly commands: readonly string[] } {
  const serialNumber = options.serialNumber ?? 'SIM00001Y';
  const commands: string[] = [];
  let buffer = '';
  let corruptLine = options.corruptFirstDumpLine;
  return {
    commands,
    onBytes(bytes) {
      const out: Uint8Array[] = [];
      buffer += toLatin1(bytes);
      for (;;) {
        const start = buffer.indexOf('\x11\r');
        if (start === -1) break;
        const end = buffer.indexOf('\r', start + 2);
        if (end === -1) break;
        const command = buffer.slice(start + 2, end);
        buffer = buffer.slice(end + 1);
        commands.push(command);
        if (command === 'DMP') {
          out.push(encodeOneTouchDumpHeader(readings.length, serialNumber, options.displayUnit ?? 'mg/dL'));
          readings.forEach((reading, index) => {
            const line = encode(reading);
            if (index === corruptLine) {
              corruptLine = undefined;
              line[line.length - 3] = line[line.length - 3] === 0x30 ? 0x31 : 0x30;
            }
            out.push(line);
          });
        } else if (command === 'DM@') {
          out.push(withChecksum(`@ "${serialNumber}"`));
        } else if (command === 'DM?') {
          out.push(withChecksum('?P02.00.00 30/08/06'));
        }
      }
      return out;
    },
  };
}

/** The simulating half of `onetouchUltra2`. */
export const onetouchUltra2Simulation: DeviceSimulation = {
  id: ID,
  encode,
  createSimulator: (measurements) => createOneTouchMeterSimulator(measurements),
  examples: [
    {
      kind: 'glucose',
      concentration: { value: 81, unit: 'mg/dL' },
      deviceTime: '2015-03-21T16:45:24',
      extra: { comment: 'mild-exercise' },
    },
  ],
};
