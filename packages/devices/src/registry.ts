import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { toBytes } from './bytes.js';
import type { DeviceDriver, ProtocolInfo } from './driver.js';
import { DecodeError, DriverError, isDecodeError } from './errors.js';
import { gattDrivers } from './gatt/characteristics.js';
import { assertDeviceDriver } from './plugin-shape.js';
import { adScale } from './protocols/ad-scale.js';
import { bayerContour } from './protocols/bayer-contour.js';
import { bleGateway } from './protocols/ble-gateway/index.js';
import { contecCms50d } from './protocols/contec-cms50d.js';
import { onetouchUltra2 } from './protocols/onetouch-ultra2.js';
import { tanita } from './protocols/tanita.js';

/** The drivers that ship with this package, in the order `listProtocols()` shows them. */
export const BUILT_IN_DRIVERS: readonly DeviceDriver[] = [
  adScale,
  tanita,
  bayerContour,
  onetouchUltra2,
  contecCms50d,
  bleGateway,
  ...gattDrivers,
];

const drivers = new Map<string, DeviceDriver>(BUILT_IN_DRIVERS.map((driver) => [driver.id, driver]));

export type DecodeResult = { ok: true; measurement: DeviceMeasurement } | { ok: false; error: DecodeError };

/** Adds a driver (a vendor's plugin). A malformed driver or a second one with the same id is refused. */
export function registerDriver(driver: DeviceDriver): void {
  assertDeviceDriver(driver, 'registerDriver');
  if (drivers.has(driver.id)) {
    throw new DriverError(
      'DUPLICATE_PROTOCOL',
      `a driver with id ${JSON.stringify(driver.id)} is already registered`,
    );
  }
  drivers.set(driver.id, driver);
}

/** Removes a plugin driver (built-in drivers stay). Returns whether one was removed. */
export function unregisterDriver(protocolId: string): boolean {
  if (BUILT_IN_DRIVERS.some((driver) => driver.id === protocolId)) return false;
  return drivers.delete(protocolId);
}

export function hasDriver(protocolId: string): boolean {
  return drivers.has(protocolId);
}

function unknownProtocol(protocolId: string): DecodeError {
  return new DecodeError(
    'UNKNOWN_PROTOCOL',
    protocolId,
    `no such protocol; known: ${[...drivers.keys()].join(', ')}`,
  );
}

/** The driver of a protocol id. Throws `DecodeError` with code UNKNOWN_PROTOCOL for an id not registered. */
export function getDriver(protocolId: string): DeviceDriver {
  const driver = drivers.get(protocolId);
  if (!driver) throw unknownProtocol(protocolId);
  return driver;
}

/** What each protocol is, without its functions: for `kiosk-agent protocols`, docs and config checks. */
export function protocolInfo(driver: DeviceDriver): ProtocolInfo {
  const info: ProtocolInfo = {
    id: driver.id,
    vendor: driver.vendor,
    models: driver.models,
    transport: driver.transport,
    kinds: driver.kinds,
    mode: driver.mode,
    framing: driver.framing,
  };
  if (driver.name !== undefined) info.name = driver.name;
  if (driver.serial !== undefined) info.serial = driver.serial;
  if (driver.confidence !== undefined) info.confidence = driver.confidence;
  return info;
}

export function listProtocols(): ProtocolInfo[] {
  return [...drivers.values()].map(protocolInfo);
}

/** Decodes one frame. Never throws: a bad frame comes back as `{ ok: false, error }`. */
export function decode(protocolId: string, frame: Uint8Array | string): DecodeResult {
  const driver = drivers.get(protocolId);
  if (!driver) return { ok: false, error: unknownProtocol(protocolId) };
  try {
    return { ok: true, measurement: driver.decode(toBytes(frame)) };
  } catch (error) {
    if (isDecodeError(error)) return { ok: false, error };
    // A decoder bug must still not crash the agent; it is reported as a format error.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: new DecodeError('BAD_FORMAT', protocolId, `decoder failed: ${message}`) };
  }
}
