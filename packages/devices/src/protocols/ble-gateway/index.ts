// The klinik-desa BLE gateway, the agent's side: the line format (both directions), the dialogue
// and the driver. The gateway's own side (its simulator) is in `simulate/ble-gateway.ts`.
export { answerToBadCommandLine, type BadCommandAnswer } from './answers.js';
export {
  CTS_SERVICE,
  CURRENT_TIME,
  type CurrentTime,
  decodeCurrentTime,
  encodeCurrentTime,
} from './device-clock.js';
export {
  type DeviceIdentity,
  DIS_SERVICE,
  decodeIdentityText,
  IDENTITY_CHARACTERISTICS,
  IDENTITY_EXTRA_KEYS,
} from './device-identity.js';
export { IDENTITY_HOLD_MS } from './device-setup.js';
export { createGatewayDialogue, type GatewayDialogueOptions } from './dialogue.js';
export { bleGateway } from './driver.js';
export {
  ADDRESS,
  type AddressType,
  type ConnectionState,
  crc16,
  encodeGatewayCommand,
  encodeGatewayMessage,
  escapeField,
  GATEWAY_MAX_LINE_BYTES,
  GATEWAY_PROTOCOL_VERSION,
  type GatewayCommand,
  type GatewayMessage,
  parseGatewayCommand,
  parseGatewayMessage,
  splitGatewayLine,
  unescapeField,
} from './lines.js';
export type { GatewayDevice, GatewayVendorDevice, StoredRecords } from './records.js';
