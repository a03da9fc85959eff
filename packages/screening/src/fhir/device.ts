import type { Reading } from '@klinik-desa/protocol';
import type { DeviceResource, Identifier, Reference, ScreeningDevice, ScreeningForFhir } from './types.js';

/** HL7's identifier system for a Bluetooth device address written as EUI-48 (`00-E5-DE-AD-77-C3`). */
export const BLUETOOTH_ADDRESS_SYSTEM = 'http://hl7.org/fhir/sid/eui-48/bluetooth';
const CONTINUA_DEVICE_IDENTIFIERS = 'http://terminology.hl7.org/CodeSystem/ContinuaDeviceIdentifiers';
/** The PHD guide's version type for a firmware revision: MDC_ID_PROD_SPEC_FW. */
const FIRMWARE_REVISION = {
  coding: [{ system: 'urn:iso:std:iso:11073:10101', code: '531976', display: 'MDC_ID_PROD_SPEC_FW' }],
};
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
  // What the device said of itself (its Device Information) wins over what the clinic configured
  // for the port: behind a gateway, the port's entry describes the gateway's slot, not this device.
  const manufacturer = reading.device.manufacturer ?? info?.vendor;
  const model = reading.device.model ?? info?.model;
  const serialNumber = reading.device.serialNumber ?? info?.serialNumber;
  const firmware = reading.device.firmware;
  const name = [manufacturer, model].filter(Boolean).join(' ');
  const via = address === undefined ? '' : `, device ${address} behind the gateway ${reading.device.id}`;
  // Built in the order the FHIR spec lists Device's elements, so the golden files read naturally.
  const resource: DeviceResource = {
    resourceType: 'Device',
    identifier: bluetooth ? [identifier, bluetooth] : [identifier],
    status: 'active',
    ...(manufacturer ? { manufacturer } : {}),
    ...(serialNumber ? { serialNumber } : {}),
    deviceName: [
      ...(model ? [{ name, type: 'model-name' as const }] : []),
      { name: deviceDisplay(reading) ?? reading.device.id, type: 'user-friendly-name' },
    ],
    ...(model ? { modelNumber: model } : {}),
    ...(firmware ? { version: [{ type: FIRMWARE_REVISION, value: firmware }] } : {}),
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
