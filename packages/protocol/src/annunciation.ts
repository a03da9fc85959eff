import { z } from 'zod';

/**
 * Every condition a device can report beside its numbers: status bits, annunciations and markers,
 * one name each. Decoders emit only these and the screening package gives each one consequence, so
 * the two sides cannot drift apart. The text says where a device says it.
 */
export const DEVICE_ANNUNCIATIONS = {
  // Blood Pressure Measurement (0x2A35) status.
  'body-movement': 'GATT 0x2A35 measurement status bit 0 (body movement during measurement)',
  'cuff-too-loose': 'GATT 0x2A35 measurement status bit 1 (cuff fit too loose)',
  'irregular-pulse': 'GATT 0x2A35 measurement status bit 2 (irregular pulse detected)',
  'pulse-rate-above-upper-limit':
    'GATT 0x2A35 measurement status bits 3–4 = 1 (pulse rate above the upper limit)',
  'pulse-rate-below-lower-limit':
    'GATT 0x2A35 measurement status bits 3–4 = 2 (pulse rate below the lower limit)',
  'improper-measurement-position': 'GATT 0x2A35 measurement status bit 5 (improper measurement position)',
  // Any GATT time stamp.
  'device-time-invalid': 'any GATT Date Time field that is not a calendar date and time',
  // Glucose Measurement (0x2A18) sensor status annunciation.
  'battery-low': 'GATT 0x2A18 sensor status bit 0 (device battery low at time of measurement)',
  'sensor-malfunction': 'GATT 0x2A18 sensor status bit 1 (sensor malfunction or faulting)',
  'sample-size-insufficient': 'GATT 0x2A18 sensor status bit 2 (sample size insufficient)',
  'strip-insertion-error': 'GATT 0x2A18 sensor status bit 3 (strip insertion error)',
  'strip-type-incorrect': 'GATT 0x2A18 sensor status bit 4 (strip type incorrect)',
  'result-above-device-range':
    'GATT 0x2A18 sensor status bit 5 (result higher than the device can process); Contour marker `>`; OneTouch Ultra 2 record above 600 mg/dL (HI)',
  'result-below-device-range':
    'GATT 0x2A18 sensor status bit 6 (result lower than the device can process); Contour marker `<`; OneTouch Ultra 2 record below 20 mg/dL (LO)',
  'temperature-too-high': 'GATT 0x2A18 sensor status bit 7 (sensor temperature too high)',
  'temperature-too-low': 'GATT 0x2A18 sensor status bit 8 (sensor temperature too low)',
  'read-interrupted': 'GATT 0x2A18 sensor status bit 9 (sensor read interrupted, strip pulled too soon)',
  'general-device-fault': 'GATT 0x2A18 sensor status bit 10 (general device fault)',
  'time-fault': 'GATT 0x2A18 sensor status bit 11 (time fault: the time may be inaccurate)',
  // PLX Measurement Status (0x2A5E, 0x2A5F).
  'measurement-ongoing': 'GATT PLX measurement status bit 5',
  'early-estimated-data': 'GATT PLX measurement status bit 6',
  'validated-data': 'GATT PLX measurement status bit 7',
  'fully-qualified-data': 'GATT PLX measurement status bit 8',
  'data-from-measurement-storage': 'GATT PLX measurement status bit 9',
  'data-for-demonstration': 'GATT PLX measurement status bit 10',
  'data-for-testing': 'GATT PLX measurement status bit 11',
  'calibration-ongoing': 'GATT PLX measurement status bit 12',
  'measurement-unavailable': 'GATT PLX measurement status bit 13',
  'questionable-measurement-detected': 'GATT PLX measurement status bit 14',
  'invalid-measurement-detected': 'GATT PLX measurement status bit 15',
  // PLX Device and Sensor Status.
  'extended-display-update-ongoing': 'GATT PLX device and sensor status bit 0',
  'equipment-malfunction-detected': 'GATT PLX device and sensor status bit 1',
  'signal-processing-irregularity-detected': 'GATT PLX device and sensor status bit 2',
  'inadequate-signal-detected': 'GATT PLX device and sensor status bit 3',
  'poor-signal-detected': 'GATT PLX device and sensor status bit 4',
  'low-perfusion-detected': 'GATT PLX device and sensor status bit 5',
  'erratic-signal-detected': 'GATT PLX device and sensor status bit 6',
  'nonpulsatile-signal-detected': 'GATT PLX device and sensor status bit 7',
  'questionable-pulse-detected': 'GATT PLX device and sensor status bit 8',
  'signal-analysis-ongoing': 'GATT PLX device and sensor status bit 9',
  'sensor-interference-detected': 'GATT PLX device and sensor status bit 10',
  'sensor-unconnected-to-user': 'GATT PLX device and sensor status bit 11',
  'unknown-sensor-connected': 'GATT PLX device and sensor status bit 12',
  'sensor-displaced': 'GATT PLX device and sensor status bit 13',
  'sensor-malfunctioning': 'GATT PLX device and sensor status bit 14',
  'sensor-disconnected': 'GATT PLX device and sensor status bit 15',
  'device-clock-not-set': 'GATT 0x2A5E flag bit 4 (device clock is not set)',
  // Contec CMS50D+ status bits.
  'finger-out': 'Contec CMS50D+ byte 0 bit 4 (finger out)',
  'spo2-dropping': 'Contec CMS50D+ byte 0 bit 5 (SpO2 dropping)',
  'probe-error': 'Contec CMS50D+ byte 2 bit 4 (probe error)',
  searching: 'Contec CMS50D+ byte 2 bit 5 (searching for a pulse)',
  // OneTouch Ultra 2.
  'record-parity-error': 'OneTouch Ultra 2 record with `?` after the value (damaged stored record)',
  // A&D weighing data format.
  overload: 'A&D header `OL` (the load is beyond the scale’s capacity)',
  unstable: 'A&D header `US` (the weight is still settling)',
} as const satisfies Record<string, string>;

export type DeviceAnnunciation = keyof typeof DEVICE_ANNUNCIATIONS;

export const DeviceAnnunciation = z.enum(
  Object.keys(DEVICE_ANNUNCIATIONS) as [DeviceAnnunciation, ...DeviceAnnunciation[]],
);

/** Every member, in the order above (grouped by the characteristic or protocol that says it). */
export const DEVICE_ANNUNCIATION_NAMES: readonly DeviceAnnunciation[] = DeviceAnnunciation.options;

export function isDeviceAnnunciation(name: string): name is DeviceAnnunciation {
  return Object.hasOwn(DEVICE_ANNUNCIATIONS, name);
}

/**
 * A number that is a device's limit, not the measured value: `>` the result is above what the device
 * can measure (a glucometer's HI), `<` below it (LO). The value beside it is the limit.
 */
export const Comparator = z.enum(['>', '<']);
export type Comparator = z.infer<typeof Comparator>;
