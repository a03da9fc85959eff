import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/**
 * The broker's CA certificate, read once at start: a missing or unreadable file stops the server
 * with its name, rather than every connection failing later with a TLS error that does not say
 * which file was meant.
 */
export function readBrokerCa(path: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new ConfigError(
      'BROKER_CA',
      `cannot read the broker CA file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give --broker-ca (or MQTT_CA_FILE, broker.caFile) the PEM file of the CA that signed the broker's certificate`,
    );
  }
  if (!pem.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(
      'BROKER_CA',
      `${path} holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line): give the CA certificate, not a key or a DER file (openssl x509 -in ca.der -inform der -out ca.pem converts one)`,
    );
  }
  return pem;
}
