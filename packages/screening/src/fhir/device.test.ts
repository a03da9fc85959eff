import type { GlucoseMeasurement } from '@klinik-desa/protocol';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../examples.js';
import { normalize } from '../normalize.js';
import { toReading } from '../reading.js';
import { toSatusehatBundle } from './bundle.js';
import { BLUETOOTH_ADDRESS_SYSTEM } from './device.js';
import type { DeviceResource, ObservationResource } from './types.js';

const example = EXAMPLES[0]!;
const METER_A = 'A0:11:22:33:44:02';
const METER_B = 'a0:11:22:33:44:03';

/** A glucometer record that came through the BLE gateway `gateway-1`, tagged as the gateway's decoder tags it. */
function gatewayGlucose(
  address: string | undefined,
  mgdl: number,
  i: number,
  identity: Record<string, string> = {},
) {
  const measurement: GlucoseMeasurement = {
    kind: 'glucose',
    concentration: { value: mgdl, unit: 'mg/dL' },
    sequenceNumber: 7,
    ...(address === undefined ? {} : { extra: { deviceAddress: address, ...identity } }),
  };
  const result = normalize(measurement, { receivedAt: '2026-11-22T03:00:00Z' });
  if (!result.ok) throw result.error;
  return toReading(result.reading, {
    id: `0193a5b0-0000-7000-8000-00000000000${i}`,
    clinicId: example.clinicId,
    kioskId: example.kioskId,
    device: { id: 'gateway-1', protocol: 'ble-gateway' },
  });
}

describe('devices behind a gateway in the FHIR Bundle', () => {
  it('carries the address from the decoder into the reading, and nothing when there is none', () => {
    expect(gatewayGlucose(METER_A, 96, 1).device).toEqual({
      id: 'gateway-1',
      protocol: 'ble-gateway',
      sequenceNumber: 7,
      address: METER_A,
    });
    expect(gatewayGlucose(undefined, 96, 1).device).not.toHaveProperty('address');
  });

  it('makes one Device per meter, with its Bluetooth address, and points each Observation at its own', () => {
    const readings = [gatewayGlucose(METER_A, 96, 1), gatewayGlucose(METER_B, 143, 2)];
    const bundle = toSatusehatBundle({ ...example.fhir, readings });
    const devices = bundle.entry.filter((e) => e.resource.resourceType === 'Device');
    expect(devices).toHaveLength(2);
    const [a, b] = devices.map((e) => e.resource as DeviceResource);
    expect(a?.identifier[0]?.value).toBe(`${example.clinicId}.${example.kioskId}.gateway-1.${METER_A}`);
    expect(a?.identifier[1]).toEqual({
      type: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/ContinuaDeviceIdentifiers', code: 'BTMAC' },
        ],
      },
      system: BLUETOOTH_ADDRESS_SYSTEM,
      value: 'A0-11-22-33-44-02',
    });
    expect(b?.identifier[1]?.value).toBe('A0-11-22-33-44-03');
    expect(a?.deviceName).toContainEqual({ name: `${METER_A} via gateway-1`, type: 'user-friendly-name' });

    const observations = bundle.entry
      .map((e) => e.resource)
      .filter((r): r is ObservationResource => r.resourceType === 'Observation');
    const pointsAt = (mgdl: number) => observations.find((o) => o.valueQuantity?.value === mgdl)?.device;
    expect(pointsAt(96)).toEqual({ reference: devices[0]?.fullUrl, display: `${METER_A} via gateway-1` });
    expect(pointsAt(143)).toEqual({ reference: devices[1]?.fullUrl, display: `${METER_B} via gateway-1` });
  });

  it('names a device that has no address as before: by the kiosk configuration id only', () => {
    const bundle = toSatusehatBundle({ ...example.fhir, readings: [gatewayGlucose(undefined, 96, 1)] });
    const device = bundle.entry.find((e) => e.resource.resourceType === 'Device')?.resource as DeviceResource;
    expect(device.identifier).toEqual([
      expect.objectContaining({ value: `${example.clinicId}.${example.kioskId}.gateway-1` }),
    ]);
    const observation = bundle.entry.find((e) => e.resource.resourceType === 'Observation')
      ?.resource as ObservationResource;
    expect(observation.device).not.toHaveProperty('display');
  });

  it('carries what the device said of itself into the reading and its Device, over the port’s configuration', () => {
    const identity = {
      deviceManufacturer: 'Roche Diabetes Care',
      deviceModel: 'Accu-Chek Guide',
      deviceSerialNumber: '92301234567',
      deviceFirmware: 'v2.1.0',
    };
    const reading = gatewayGlucose(METER_A, 96, 1, identity);
    expect(reading.device).toEqual({
      id: 'gateway-1',
      protocol: 'ble-gateway',
      sequenceNumber: 7,
      address: METER_A,
      manufacturer: 'Roche Diabetes Care',
      model: 'Accu-Chek Guide',
      serialNumber: '92301234567',
      firmware: 'v2.1.0',
    });
    const devices = [
      { id: 'gateway-1', protocol: 'ble-gateway', vendor: 'klinik-desa', model: 'ESP32 gateway' },
    ];
    const bundle = toSatusehatBundle({ ...example.fhir, devices, readings: [reading] });
    const device = bundle.entry.find((e) => e.resource.resourceType === 'Device')?.resource as DeviceResource;
    expect(device).toMatchObject({
      manufacturer: 'Roche Diabetes Care',
      serialNumber: '92301234567',
      modelNumber: 'Accu-Chek Guide',
      version: [
        {
          type: {
            coding: [
              { system: 'urn:iso:std:iso:11073:10101', code: '531976', display: 'MDC_ID_PROD_SPEC_FW' },
            ],
          },
          value: 'v2.1.0',
        },
      ],
    });
    expect(device.deviceName).toContainEqual({
      name: 'Roche Diabetes Care Accu-Chek Guide',
      type: 'model-name',
    });
    // The identifiers stay the gateway's id plus the address: a device is the same Device before and after it was read.
    expect(device.identifier.map((i) => i.value)).toEqual([
      `${example.clinicId}.${example.kioskId}.gateway-1.${METER_A}`,
      'A0-11-22-33-44-02',
    ]);
  });

  it('leaves out identity text that is not printable or too long, and keeps the reading', () => {
    const reading = gatewayGlucose(METER_A, 96, 1, {
      deviceModel: 'BP\u0007',
      deviceSerialNumber: 'x'.repeat(65),
    });
    expect(reading.device).not.toHaveProperty('model');
    expect(reading.device).not.toHaveProperty('serialNumber');
  });
});
