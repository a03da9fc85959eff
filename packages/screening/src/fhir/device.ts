import type { Reading } from '@klinik-desa/protocol';
import type { DeviceResource, Identifier, Reference, ScreeningDevice, ScreeningForFhir } from './types.js';

/** HL7's identifier system for a Bluetooth device address written as EUI-48 (`00-E5-DE-AD-77-C3`). */
export const BLUETOOTH_ADDRESS_SYSTEM = 'http://hl7.org/fhir/sid/eui-48/bluetooth';
const CONTINUA_DEVICE_IDENTIFIERS = 'http://terminology.hl7.org/CodeSystem/ContinuaDeviceIdentifiers';
const BLUETOOTH_ADDRESS = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;

/**
 * One Device per device that measured: a gateway's devices are each their own (the gateway's id
 * plus the address behind it), so two meters behind one gateway are never one Device.
 */
export function deviceKey(reading: Reading): string {
  const { kioskId, device } = reading;
  return device.address === undefined
    ? `${kioskId}/${device.id}`
    : `${kioskId}/${device.id}/${device.address}`;
}

/** What the Observation's `device` reference says to a reader who does not follow it. */
export function deviceDisplay(reading: Reading): string | undefined {
  const { device } = reading;
  return device.address === undefined ? undefined : `${device.address} via ${device.id}`;
}

/** The Bluetooth address as the HL7 PHD guide writes it (BTMAC), when the address is one. */
function bluetoothIdentifier(address: string): Identifier | undefined {
  if (!BLUETOOTH_ADDRESS.test(address)) return undefined;
  return {
    type: { coding: [{ system: CONTINUA_DEVICE_IDENTIFIERS, code: 'BTMAC' }] },
    system: BLUETOOTH_ADDRESS_SYSTEM,
    value: address.toUpperCase().replaceAll(':', '-'),
  };
}

export function deviceResource(
  s: ScreeningForFhir,
  reading: Reading,
  info: ScreeningDevice | undefined,
  system: string,
): { resource: DeviceResource; identifier: Identifier; reference: Omit<Reference, 'reference'> } {
  const { address } = reading.device;
  const base = `${reading.clinicId}.${reading.kioskId}.${reading.device.id}`;
  const identifier = { system, value: address === undefined ? base : `${base}.${address}` };
  const bluetooth = address === undefined ? undefined : bluetoothIdentifier(address);
  const name = [info?.vendor, info?.model].filter(Boolean).join(' ');
  const via = address === undefined ? '' : `, device ${address} behind the gateway ${reading.device.id}`;
  // Built in the order the FHIR spec lists Device's elements, so the golden files read naturally.
  const resource: DeviceResource = {
    resourceType: 'Device',
    identifier: bluetooth ? [identifier, bluetooth] : [identifier],
    status: 'active',
    ...(info?.vendor ? { manufacturer: info.vendor } : {}),
    ...(info?.serialNumber ? { serialNumber: info.serialNumber } : {}),
    deviceName: [
      ...(info?.model ? [{ name, type: 'model-name' as const }] : []),
      { name: deviceDisplay(reading) ?? reading.device.id, type: 'user-friendly-name' },
    ],
    ...(info?.model ? { modelNumber: info.model } : {}),
    owner: { reference: `Organization/${s.organizationId}` },
    location: { reference: `Location/${s.location.id}`, display: s.location.display },
    note: [
      {
        text: `klinik-desa driver ${info?.protocol ?? reading.device.protocol}, kiosk ${reading.kioskId}${via}`,
      },
    ],
  };
  const display = deviceDisplay(reading);
  return { resource, identifier, reference: display === undefined ? {} : { display } };
}
