import type { TemperatureMeasurement } from '@klinik-desa/protocol';
import {
  encodeKdTherm,
  KD_THERM_COMMAND,
  KD_THERM_MEASUREMENT,
  KD_THERM_SERVICE,
  SEND_LAST_AGAIN,
  START_MEASUREMENT,
} from './kd-therm.js';

/** What the simulated gateway (`createGatewaySimulator`'s `vendor`) needs to play a KD-Therm. */
export interface KdThermService {
  service: string;
  characteristic: string;
  commandCharacteristic: string;
  answer(command: Uint8Array): Uint8Array[];
}

/**
 * A KD-Therm that takes the given measurements in turn, one per "start a measurement" (0x01), and
 * repeats the last on "send last measurement again" (0x02). Sequence numbers count from 1 unless a
 * measurement carries its own.
 */
export function kdThermService(measurements: readonly TemperatureMeasurement[]): KdThermService {
  let taken = 0;
  let last: Uint8Array | undefined;
  return {
    service: KD_THERM_SERVICE,
    characteristic: KD_THERM_MEASUREMENT,
    commandCharacteristic: KD_THERM_COMMAND,
    answer(command) {
      if (command.length !== 1) return [];
      if (command[0] === START_MEASUREMENT && taken < measurements.length) {
        const measurement = measurements[taken++]!;
        last = encodeKdTherm({ ...measurement, sequenceNumber: measurement.sequenceNumber ?? taken });
        return [last];
      }
      if (command[0] === SEND_LAST_AGAIN && last) return [last];
      return [];
    },
  };
}
