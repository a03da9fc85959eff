import { brokerCa, brokerPassword, type KioskConfig } from '../config/config.js';
import type { PublisherOptions } from './publisher.js';

/** The publisher's broker, identity and pacing, as kiosk.yaml gives them. */
export function publisherSettings(
  config: KioskConfig,
): Pick<
  PublisherOptions,
  | 'url'
  | 'protocolVersion'
  | 'clinicId'
  | 'kioskId'
  | 'username'
  | 'password'
  | 'ca'
  | 'maxInFlight'
  | 'maxBatch'
  | 'receiptTimeoutMs'
  | 'reconnectMinMs'
  | 'reconnectMaxMs'
> {
  const password = brokerPassword(config);
  const ca = brokerCa(config);
  return {
    url: config.mqtt.url,
    protocolVersion: config.mqtt.protocolVersion,
    clinicId: config.kiosk.clinicId,
    kioskId: config.kiosk.id,
    ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(ca !== undefined ? { ca } : {}),
    maxInFlight: config.mqtt.maxInFlight,
    maxBatch: config.mqtt.maxBatch,
    receiptTimeoutMs: config.mqtt.receiptTimeoutSeconds * 1000,
    reconnectMinMs: config.mqtt.reconnectMinMs,
    reconnectMaxMs: config.mqtt.reconnectMaxMs,
  };
}
