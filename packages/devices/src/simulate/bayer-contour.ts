import type { DeviceMeasurement, GlucoseSpecimen } from '@klinik-desa/protocol';
import { EncodeError } from '../errors.js';
import { ACK, buildAstmFrame, ENQ, EOT, NAK } from '../protocols/astm.js';
import { type ContourUnit, ID } from '../protocols/bayer-contour.js';
import type { DeviceSimulation } from './simulation.js';

const SPECIMEN_METHOD: Readonly<Partial<Record<GlucoseSpecimen, string>>> = {
  'capillary-whole-blood': 'B',
  'capillary-plasma': 'P',
};

/** The `R` record text for a measurement (Contour Next layout). */
export function encodeContourResult(measurement: DeviceMeasurement): string {
  if (measurement.kind !== 'glucose') {
    throw new EncodeError('WRONG_KIND', ID, `encodes glucose, not ${measurement.kind}`);
  }
  const { concentration } = measurement;
  if (concentration.unit !== 'mg/dL' && concentration.unit !== 'mmol/L') {
    throw new EncodeError('UNSUPPORTED_UNIT', ID, `glucose unit ${concentration.unit}`);
  }
  if (concentration.value === null || concentration.value < 0 || concentration.value >= 10_000) {
    throw new EncodeError('NOT_ENCODABLE', ID, 'a Contour result always has a number below 10,000');
  }
  const markers: string[] = [];
  if (measurement.annunciations?.includes('result-above-device-range')) markers.push('>');
  if (measurement.annunciations?.includes('result-below-device-range')) markers.push('<');
  if (measurement.meal === 'preprandial') markers.push('B');
  if (measurement.meal === 'postprandial') markers.push('A');
  if (measurement.controlSolution) markers.push('C');
  const known = measurement.extra?.['markers'];
  if (typeof known === 'string' && known !== '') markers.push(known);
  let time = '';
  if (measurement.deviceTime !== undefined) {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(measurement.deviceTime);
    if (!match) throw new EncodeError('NOT_ENCODABLE', ID, `deviceTime ${measurement.deviceTime}`);
    time = match.slice(1, 6).join('') + (match[6] ?? '');
  }
  const method = measurement.specimen ? (SPECIMEN_METHOD[measurement.specimen] ?? '') : '';
  const sequence = measurement.sequenceNumber ?? 1;
  return `R|${sequence}|^^^Glucose|${concentration.value}|${concentration.unit}^${method}||${markers.join('/')}||${time}`;
}

function encode(measurement: DeviceMeasurement): Uint8Array {
  return buildAstmFrame(1, `${encodeContourResult(measurement)}\r`, false);
}

export interface ContourMeterOptions {
  model?: string;
  serialNumber?: string;
  unit?: ContourUnit;
  /** `YYYY-MM-DDThh:mm` of the meter clock in the header. */
  meterTime?: string;
  /** Frame indexes (0 = header) whose first sending has a wrong checksum, to exercise NAK handling. */
  corruptFirstSending?: readonly number[];
}

/**
 * A Contour meter for tests and demos: answers the host's EOT with ENQ, then sends header, patient,
 * results and terminator one frame per ACK, resends on NAK (giving up with EOT after six), and ends
 * with EOT. Pure: bytes in, bytes out.
 */
export function createContourMeterSimulator(
  results: readonly DeviceMeasurement[],
  options: ContourMeterOptions = {},
): { onBytes(bytes: Uint8Array): Uint8Array[] } {
  const time = (options.meterTime ?? '2025-01-01T08:00').replace(/[-T:]/g, '');
  const unitSetting = options.unit === 'mmol/L' ? 1 : 0;
  const records = [
    `H|\\^&||sim|${options.model ?? 'Bayer7150'}^01.00\\01.00\\01.00^${options.serialNumber ?? 'SIM0000001'}^0000-|A=1^C=00^G=en^I=0200^R=0^S=01^U=${unitSetting}^V=20600|${results.length}|||||P|1|${time}`,
    'P|1',
    ...results.map(encodeContourResult),
    'L|1||N',
  ];
  const frames = records.map((record, index) => buildAstmFrame((index + 1) % 8, `${record}\r`, false));
  const corrupt = new Set(options.corruptFirstSending ?? []);
  let state: 'idle' | 'enquired' | 'sending' | 'done' = 'idle';
  let index = 0;
  let naks = 0;

  const send = (i: number): Uint8Array[] => {
    const frame = frames[i]!;
    if (corrupt.has(i)) {
      corrupt.delete(i);
      const bad = frame.slice();
      bad[bad.length - 3] = bad[bad.length - 3] === 0x30 ? 0x31 : 0x30;
      return [bad];
    }
    return [frame];
  };

  return {
    onBytes(bytes) {
      const out: Uint8Array[] = [];
      for (const b of bytes) {
        if (state === 'idle' && b === EOT) {
          state = 'enquired';
          out.push(Uint8Array.of(ENQ));
        } else if (state === 'enquired' && b === ACK) {
          state = 'sending';
          index = 0;
          out.push(...send(index));
        } else if (state === 'sending' && b === ACK) {
          naks = 0;
          index++;
          if (index < frames.length) {
            out.push(...send(index));
          } else {
            state = 'done';
            out.push(Uint8Array.of(EOT));
          }
        } else if (state === 'sending' && b === NAK) {
          naks++;
          if (naks > 6) {
            state = 'done';
            out.push(Uint8Array.of(EOT));
          } else {
            out.push(...send(index));
          }
        }
      }
      return out;
    },
  };
}

/** The simulating half of `bayerContour`. */
export const bayerContourSimulation: DeviceSimulation = {
  id: ID,
  encode,
  createSimulator: (measurements) => createContourMeterSimulator(measurements),
  examples: [
    {
      kind: 'glucose',
      concentration: { value: 93, unit: 'mg/dL' },
      sequenceNumber: 3,
      specimen: 'capillary-plasma',
      meal: 'postprandial',
      deviceTime: '2015-05-26T11:50',
      extra: { markers: 'M0/T1' },
    },
  ],
};
