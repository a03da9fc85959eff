import type { DeviceMeasurement } from '@klinik-desa/protocol';
import type { DeviceDriver } from '../../driver.js';
import { DecodeError } from '../../errors.js';
import { decodeCharacteristic, isMeasurementCharacteristic, shortUuid } from '../../gatt/characteristics.js';
import { createGatewayDialogue, type GatewayDialogueOptions } from './dialogue.js';
import { GATEWAY_MAX_LINE_BYTES, ID, parseGatewayMessage } from './lines.js';
import { withAddress } from './records.js';

function decode(frame: Uint8Array): DeviceMeasurement {
  const message = parseGatewayMessage(frame);
  if (message.type !== 'notification' && message.type !== 'indication') {
    throw new DecodeError('NOT_A_MEASUREMENT', ID, `a ${message.type} line carries no reading`);
  }
  if (!isMeasurementCharacteristic(message.characteristic)) {
    const short = shortUuid(message.characteristic);
    if (short === '2a34' || short === '2a52' || short === '2a08' || short === '2a36') {
      throw new DecodeError(
        'NOT_A_MEASUREMENT',
        ID,
        `characteristic 0x${short.toUpperCase()} carries no reading`,
      );
    }
    throw new DecodeError('UNSUPPORTED', ID, `characteristic ${message.characteristic} is not decoded here`);
  }
  const value = decodeCharacteristic(message.characteristic, message.payload);
  if (value.type !== 'measurement') throw new DecodeError('NOT_A_MEASUREMENT', ID, 'not a measurement');
  return withAddress(value.measurement, message.address);
}

export const bleGateway: DeviceDriver = {
  id: ID,
  name: 'klinik-desa BLE gateway line protocol v1',
  vendor: 'klinik-desa (ESP32 gateway firmware)',
  models: ['klinik-desa ESP32 gateway firmware', 'any gateway implementing docs/gateway-protocol.md'],
  transport: 'serial',
  kinds: ['blood-pressure', 'glucose', 'weight', 'body-composition', 'temperature', 'pulse-oximetry'],
  mode: 'dialogue',
  serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
  framing: { type: 'line', delimiter: '\n', maxFrameBytes: GATEWAY_MAX_LINE_BYTES },
  confidence: 'confirmed',
  decode,
  createDialogue: (options?: Record<string, unknown>, remembered?: unknown) =>
    createGatewayDialogue((options ?? { devices: [] }) as unknown as GatewayDialogueOptions, remembered),
};
