import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { toBytes } from './bytes.js';
import type { DeviceDriver, ProtocolInfo } from './driver.js';
import { DecodeError, isDecodeError } from './errors.js';
import { adScale } from './protocols/ad-scale.js';

const drivers = new Map<string, DeviceDriver>([[adScale.id, adScale]]);

export type DecodeResult = { ok: true; measurement: DeviceMeasurement } | { ok: false; error: DecodeError };

/** Adds a driver (a vendor's plugin). A second driver with the same id is refused. */
export function registerDriver(driver: DeviceDriver): void {
  if (drivers.has(driver.id))
    throw new Error(`a driver with id ${JSON.stringify(driver.id)} is already registered`);
  drivers.set(driver.id, driver);
}

export function getDriver(protocolId: string): DeviceDriver {
  const driver = drivers.get(protocolId);
  if (!driver) {
    throw new DecodeError(
      'UNKNOWN_PROTOCOL',
      protocolId,
      `no such protocol; known: ${[...drivers.keys()].join(', ')}`,
    );
  }
  return driver;
}

export function listProtocols(): ProtocolInfo[] {
  return [...drivers.values()].map(({ decode: _d, encode: _e, ...info }) => info);
}

/** Decodes one frame. Never throws: a bad frame comes back as `{ ok: false, error }`. */
export function decode(protocolId: string, frame: Uint8Array | string): DecodeResult {
  try {
    return { ok: true, measurement: getDriver(protocolId).decode(toBytes(frame)) };
  } catch (error) {
    if (isDecodeError(error)) return { ok: false, error };
    // A decoder bug must still not crash the agent; it is reported as a format error.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: new DecodeError('BAD_FORMAT', protocolId, `decoder failed: ${message}`) };
  }
}

export function encode(protocolId: string, measurement: DeviceMeasurement): Uint8Array {
  return getDriver(protocolId).encode(measurement);
}
