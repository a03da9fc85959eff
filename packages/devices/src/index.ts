export {
  bluetoothProblems,
  type GatewaySubscriptions,
  gatewaySubscriptionsOf,
  MAX_BLUETOOTH_NOTIFICATIONS,
  normalizeUuid,
} from './bluetooth.js';
export { ByteReader, ByteWriter, byteSum, concatBytes, fromHex, toBytes, toHex, toLatin1 } from './bytes.js';
export type {
  BluetoothCharacteristic,
  BluetoothProfile,
  BluetoothWrite,
  DeviceDriver,
  Dialogue,
  DialogueEvent,
  DialogueStep,
  FramerOptions,
  FrameSplitter,
  Framing,
  LiveValue,
  ProtocolInfo,
  SerialSettings,
  VendorValue,
} from './driver.js';
export { emptyStep } from './driver.js';
export { DRIVER_API_VERSION, driverApiMismatch } from './driver-api.js';
export {
  DECODE_ERROR_CODES,
  DecodeError,
  type DecodeErrorCode,
  DRIVER_ERROR_CODES,
  DriverError,
  type DriverErrorCode,
  ENCODE_ERROR_CODES,
  EncodeError,
  type EncodeErrorCode,
  isDecodeError,
} from './errors.js';
export {
  createFramerFor,
  createLineFramer,
  createLineSplitter,
  createSplitter,
  framerStream,
  LineFramer,
  type LineSplitterOptions,
} from './framing/index.js';
export {
  decodeBloodPressure,
  decodeIntermediateCuffPressure,
  encodeBloodPressure,
  type IntermediateCuffPressure,
} from './gatt/blood-pressure.js';
export {
  decodeBodyComposition,
  encodeBodyComposition,
  mergeBodyCompositionPackets,
} from './gatt/body-composition.js';
export {
  decodeCharacteristic,
  GATT_MEASUREMENT_SOURCES,
  type GattValue,
  gattDrivers,
  gattProtocolId,
  isMeasurementCharacteristic,
  shortUuid,
} from './gatt/characteristics.js';
export { decodeDateTime, encodeDateTime, type GattDateTime } from './gatt/date-time.js';
export {
  applyGlucoseContext,
  decodeGlucoseContext,
  decodeGlucoseMeasurement,
  decodeGlucoseMeasurementWithContextFlag,
  encodeGlucoseContext,
  encodeGlucoseMeasurement,
  type GlucoseContext,
} from './gatt/glucose.js';
export {
  decodePlxContinuous,
  decodePlxSpotCheck,
  encodePlxContinuous,
  encodePlxSpotCheck,
} from './gatt/plx.js';
export {
  decodeRacp,
  RACP_RESPONSE_CODES,
  type RacpMessage,
  type RacpResponseCode,
  type RacpSelection,
  racpAbort,
  racpNumberOfRecordsResponse,
  racpReportNumberOfRecords,
  racpReportStoredRecords,
  racpResponseCode,
} from './gatt/racp.js';
export { decodeTemperature, encodeTemperature } from './gatt/temperature.js';
export { decodeWeight, encodeWeight } from './gatt/weight.js';
export {
  decodeFloat,
  decodeSfloat,
  encodeFloat,
  encodeSfloat,
  floatValue,
  type MedicalFloat,
  SPECIAL_VALUES,
  type SpecialValue,
  sfloatToNumber,
  sfloatValue,
} from './ieee11073.js';
export { driverProblems, isDeviceDriver } from './plugin-shape.js';
export { type LoadDriverOptions, loadDriverPackage } from './plugins.js';
export { type AdHeader, type AdScaleLine, adScale, parseAdScaleLine } from './protocols/ad-scale.js';
export {
  type AstmFrame,
  buildAstmFrame,
  createAstmSplitter,
  parseAstmFrame,
} from './protocols/astm.js';
export {
  bayerContour,
  type ContourDialogueOptions,
  type ContourRecord,
  createContourDialogue,
  parseContourRecord,
} from './protocols/bayer-contour.js';
export {
  answerToBadCommandLine,
  type BadCommandAnswer,
  bleGateway,
  crc16,
  createGatewayDialogue,
  type DeviceIdentity,
  decodeCurrentTime,
  encodeCurrentTime,
  encodeGatewayCommand,
  encodeGatewayMessage,
  GATEWAY_PROTOCOL_VERSION,
  type GatewayCommand,
  type GatewayDevice,
  type GatewayDialogueOptions,
  type GatewayMessage,
  type GatewayVendorDevice,
  IDENTITY_EXTRA_KEYS,
  parseGatewayCommand,
  parseGatewayMessage,
  type StoredRecords,
} from './protocols/ble-gateway/index.js';
export { contecCms50d, createCms50Splitter } from './protocols/contec-cms50d.js';
export {
  createOneTouchDialogue,
  type OneTouchCommand,
  type OneTouchDialogueOptions,
  type OneTouchLine,
  oneTouchCommand,
  onetouchUltra2,
  parseOneTouchLine,
} from './protocols/onetouch-ultra2.js';
export { parseTanitaRecord, type TanitaRecord, tanita } from './protocols/tanita.js';
export {
  BUILT_IN_DRIVERS,
  type DecodeResult,
  decode,
  getDriver,
  hasDriver,
  listProtocols,
  protocolInfo,
  registerDriver,
  unregisterDriver,
} from './registry.js';
