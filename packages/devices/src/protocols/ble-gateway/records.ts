import type { DeviceMeasurement, GlucoseMeasurement } from '@klinik-desa/protocol';
import type { GatewaySubscriptions } from '../../bluetooth.js';
import type { DialogueEvent, DialogueStep } from '../../driver.js';
import { DecodeError } from '../../errors.js';
import { decodeIntermediateCuffPressure } from '../../gatt/blood-pressure.js';
import { decodeCharacteristic, isMeasurementCharacteristic, shortUuid } from '../../gatt/characteristics.js';
import {
  applyGlucoseContext,
  decodeGlucoseContext,
  decodeGlucoseMeasurementWithContextFlag,
} from '../../gatt/glucose.js';
import { decodeRacp, type RacpSelection } from '../../gatt/racp.js';
import { type AddressType, type GatewayMessage, ID } from './lines.js';

/** A device behind the gateway whose driver speaks its own Bluetooth: what to subscribe and write. */
export interface GatewayVendorDevice {
  /** The driver's protocol id: its values are handed on for it (`DialogueStep.vendorValues`). */
  driverId: string;
  subscriptions: GatewaySubscriptions;
}

/** Which stored records to ask a glucose meter for each time it connects. */
export type StoredRecords = 'none' | 'all' | { fromSequence: number };

export interface GatewayDevice {
  /** `AA:BB:CC:DD:EE:FF`. */
  address: string;
  addressType?: AddressType;
  /** Glucose meters keep records: ask for them over RACP on every connection. Default `none`. */
  records?: StoredRecords;
  /** The driver package named in kiosk.yaml for a device that speaks its own Bluetooth (read by the agent). */
  driver?: string;
  /** Set by the agent from that driver's `bluetooth` declaration: subscribed and written on every connection. */
  vendor?: GatewayVendorDevice;
}

/** What the dialogue remembers of one configured BLE device. */
export interface DeviceState {
  config: GatewayDevice;
  /** Highest glucose sequence number seen: the next request starts after it. */
  highestSequence?: number;
  /** Records whose 0x2A34 context was announced and has not arrived yet. */
  held: Map<number, GlucoseMeasurement>;
}

export type GatewayNotification = Extract<GatewayMessage, { type: 'notification' | 'indication' }>;

export function withAddress<T extends DeviceMeasurement>(measurement: T, deviceAddress: string): T {
  return { ...measurement, extra: { ...measurement.extra, deviceAddress } };
}

export function event(type: string, detail: DialogueEvent['detail']): DialogueEvent {
  return { type, detail };
}

/** Hands on the records still waiting for a context that will not come now. */
export function flushHeld(device: DeviceState, address: string, result: DialogueStep): void {
  for (const measurement of device.held.values()) result.measurements.push(withAddress(measurement, address));
  device.held.clear();
}

/** The RACP selection to send when the device connects: only records newer than the last one seen. */
export function selectionFor(device: DeviceState): RacpSelection | undefined {
  const wanted = device.config.records ?? 'none';
  if (wanted === 'none') return undefined;
  if (device.highestSequence !== undefined && device.highestSequence < 0xffff) {
    return { records: 'from-sequence', sequenceNumber: device.highestSequence + 1 };
  }
  return wanted === 'all'
    ? { records: 'all' }
    : { records: 'from-sequence', sequenceNumber: wanted.fromSequence };
}

function onGlucoseMeasurement(
  message: GatewayNotification,
  device: DeviceState | undefined,
  result: DialogueStep,
): void {
  const { measurement, contextFollows } = decodeGlucoseMeasurementWithContextFlag(message.payload);
  if (device && measurement.sequenceNumber !== undefined) {
    device.highestSequence = Math.max(device.highestSequence ?? -1, measurement.sequenceNumber);
  }
  if (contextFollows && device && measurement.sequenceNumber !== undefined) {
    device.held.set(measurement.sequenceNumber, measurement);
  } else {
    result.measurements.push(withAddress(measurement, message.address));
  }
}

function onGlucoseContext(
  message: GatewayNotification,
  device: DeviceState | undefined,
  result: DialogueStep,
): void {
  const context = decodeGlucoseContext(message.payload);
  const record = device?.held.get(context.sequenceNumber);
  if (!device || !record) {
    throw new DecodeError(
      'OUT_OF_SEQUENCE',
      ID,
      `context for record ${context.sequenceNumber}, which was not announced`,
    );
  }
  device.held.delete(context.sequenceNumber);
  result.measurements.push(withAddress(applyGlucoseContext(record, context), message.address));
}

function onRacp(message: GatewayNotification, device: DeviceState | undefined, result: DialogueStep): void {
  const racp = decodeRacp(message.payload);
  if (racp.type === 'number-of-records') {
    result.events.push(event('record-count', { address: message.address, count: racp.count }));
  } else if (racp.type === 'response') {
    if (device) flushHeld(device, message.address, result);
    if (racp.response === 'success' || racp.response === 'no-records-found') {
      const detail: DialogueEvent['detail'] = { address: message.address, response: racp.response };
      if (device?.highestSequence !== undefined) detail['highestSequence'] = device.highestSequence;
      result.events.push(event('records-transferred', detail));
    } else {
      result.errors.push(
        new DecodeError(
          'DEVICE_ERROR',
          ID,
          `${message.address} answered the record request: ${racp.response}`,
        ),
      );
    }
  }
}

/** A notification or indication: a reading, a glucose record or its context, or a RACP answer. */
export function onNotification(
  message: GatewayNotification,
  device: DeviceState | undefined,
  result: DialogueStep,
): void {
  const short = shortUuid(message.characteristic);
  if (short === '2a18') onGlucoseMeasurement(message, device, result);
  else if (short === '2a36') {
    // The cuff's pressure while it inflates: shown live, never a blood-pressure reading.
    const cuff = decodeIntermediateCuffPressure(message.payload);
    const live = { kind: 'blood-pressure' as const, name: 'cuffPressure', value: cuff.cuffPressure };
    result.live = [...(result.live ?? []), { ...live, deviceAddress: message.address }];
  } else if (short === '2a34') onGlucoseContext(message, device, result);
  else if (short === '2a52') onRacp(message, device, result);
  else if (isMeasurementCharacteristic(message.characteristic)) {
    const value = decodeCharacteristic(message.characteristic, message.payload);
    if (value.type === 'measurement')
      result.measurements.push(withAddress(value.measurement, message.address));
  }
}
