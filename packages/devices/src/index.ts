export { fromHex, toBytes, toHex, toLatin1 } from './bytes.js';
export type { DeviceDriver, Framing, ProtocolInfo, SerialSettings } from './driver.js';
export { DECODE_ERROR_CODES, DecodeError, type DecodeErrorCode, isDecodeError } from './errors.js';
export { type AdHeader, type AdScaleLine, adScale, parseAdScaleLine } from './protocols/ad-scale.js';
export { type DecodeResult, decode, encode, getDriver, listProtocols, registerDriver } from './registry.js';
