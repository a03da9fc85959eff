import type { DataAbsentReason, DeviceAnnunciation } from '@klinik-desa/protocol';
import type { Text } from './thresholds.js';

/**
 * What follows when a device says something beside its numbers:
 * - `remeasure`: the number is kept but doubtful; the worker is told why and measures again.
 * - `withhold`: the number is not the patient's (a fault, a probe off the finger, an estimate): the
 *   value is kept only as the device's original, stored and sent as absent (`dataAbsentReason`),
 *   and the worker measures again.
 * - `show`: the worker is told; the number stands.
 * - `irregular-pulse`: the monitor's irregular-pulse flag (`bp.irregular-pulse`).
 * - `clock`: the device's clock is not believed; the kiosk's receive time is used, flagged.
 * - `beyond-range`: the result lies beyond the device's range. A number beside it is the device's
 *   limit (`>` / `<`), never the result: triage reads it as such and FHIR carries the comparator and
 *   an off-scale interpretation. Without a number the value is absent, and the flag still says which way.
 * - `none`: nothing, for the reason given.
 */
export type ConsequenceKind =
  | 'remeasure'
  | 'withhold'
  | 'show'
  | 'irregular-pulse'
  | 'clock'
  | 'beyond-range'
  | 'none';

export interface AnnunciationConsequence {
  kind: ConsequenceKind;
  /** What the health worker reads about it, Indonesian first. */
  text: Text;
  /** For `none`: why nothing is done. */
  reason?: string;
}

/** The FHIR v3 ObservationInterpretation code of a value beyond the device's range. */
export const OFF_SCALE_INTERPRETATION = {
  '>': { code: '>', display: 'Off scale high' },
  '<': { code: '<', display: 'Off scale low' },
} as const;

/** The dataAbsentReason of a withheld value: the device's number exists but is not a result. */
export const WITHHELD_ABSENT_REASON: DataAbsentReason = 'error';

const remeasure = (id: string, en: string): AnnunciationConsequence => ({
  kind: 'remeasure',
  text: { id, en },
});
const withhold = (id: string, en: string): AnnunciationConsequence => ({
  kind: 'withhold',
  text: { id, en },
});
const show = (id: string, en: string): AnnunciationConsequence => ({ kind: 'show', text: { id, en } });
const none = (id: string, en: string, reason: string): AnnunciationConsequence => ({
  kind: 'none',
  text: { id, en },
  reason,
});

/**
 * One consequence per member of the device vocabulary. A `Record` over the enum, so a member added
 * to the protocol without a consequence here does not compile.
 */
export const ANNUNCIATION_CONSEQUENCES: Readonly<Record<DeviceAnnunciation, AnnunciationConsequence>> = {
  'body-movement': remeasure('pasien bergerak saat pengukuran', 'the patient moved during the measurement'),
  'cuff-too-loose': remeasure('manset terlalu longgar', 'the cuff is too loose'),
  'irregular-pulse': {
    kind: 'irregular-pulse',
    text: { id: 'denyut nadi tidak teratur', en: 'irregular pulse' },
  },
  'pulse-rate-above-upper-limit': show(
    'denyut nadi di atas batas atas alat',
    'pulse rate above the monitor’s upper limit',
  ),
  'pulse-rate-below-lower-limit': show(
    'denyut nadi di bawah batas bawah alat',
    'pulse rate below the monitor’s lower limit',
  ),
  'improper-measurement-position': remeasure(
    'posisi pengukuran tidak tepat',
    'improper measurement position',
  ),
  'device-time-invalid': {
    kind: 'clock',
    text: { id: 'waktu alat tidak valid', en: 'the device sent an invalid time' },
  },
  'battery-low': show('baterai alat lemah', 'the device battery is low'),
  'sensor-malfunction': withhold('sensor alat rusak', 'the sensor malfunctioned'),
  'sample-size-insufficient': remeasure('sampel darah kurang', 'the blood sample was too small'),
  'strip-insertion-error': remeasure(
    'strip tidak terpasang dengan benar',
    'the strip was not inserted properly',
  ),
  'strip-type-incorrect': withhold('jenis strip salah', 'the wrong type of strip'),
  'result-above-device-range': {
    kind: 'beyond-range',
    text: { id: 'hasil di atas batas ukur alat (HI)', en: 'result above the device’s range (HI)' },
  },
  'result-below-device-range': {
    kind: 'beyond-range',
    text: { id: 'hasil di bawah batas ukur alat (LO)', en: 'result below the device’s range (LO)' },
  },
  'temperature-too-high': remeasure('suhu alat terlalu panas', 'the meter is too warm'),
  'temperature-too-low': remeasure('suhu alat terlalu dingin', 'the meter is too cold'),
  'read-interrupted': remeasure('pembacaan terputus', 'the reading was interrupted'),
  'general-device-fault': withhold('alat mengalami gangguan', 'a device fault'),
  'time-fault': { kind: 'clock', text: { id: 'jam alat bermasalah', en: 'the device clock is faulty' } },
  'measurement-ongoing': withhold('pengukuran belum selesai', 'the measurement is still going on'),
  'early-estimated-data': withhold('nilai masih perkiraan awal', 'the value is an early estimate'),
  'validated-data': none(
    'data tervalidasi',
    'validated data',
    'a quality the value should have: nothing to do',
  ),
  'fully-qualified-data': none(
    'data terkualifikasi penuh',
    'fully qualified data',
    'a quality the value should have: nothing to do',
  ),
  'data-from-measurement-storage': none(
    'data dari memori alat',
    'data from the device’s memory',
    'the agent binds remembered readings by their time, as for any memory record',
  ),
  'data-for-demonstration': withhold('data demonstrasi, bukan pasien', 'demonstration data, not a patient'),
  'data-for-testing': withhold('data uji, bukan pasien', 'test data, not a patient'),
  'calibration-ongoing': withhold('alat sedang kalibrasi', 'the device is calibrating'),
  'measurement-unavailable': withhold('pengukuran tidak tersedia', 'no measurement available'),
  'questionable-measurement-detected': remeasure('pengukuran meragukan', 'a questionable measurement'),
  'invalid-measurement-detected': withhold('pengukuran tidak valid', 'an invalid measurement'),
  'extended-display-update-ongoing': none(
    'tampilan alat diperbarui',
    'the device display is updating',
    'about the device’s display, not the value',
  ),
  'equipment-malfunction-detected': withhold('alat rusak', 'equipment malfunction'),
  'signal-processing-irregularity-detected': remeasure(
    'pengolahan sinyal tidak teratur',
    'irregular signal processing',
  ),
  'inadequate-signal-detected': remeasure('sinyal tidak memadai', 'inadequate signal'),
  'poor-signal-detected': remeasure('sinyal lemah', 'poor signal'),
  'low-perfusion-detected': remeasure('perfusi rendah (jari dingin?)', 'low perfusion (a cold finger?)'),
  'erratic-signal-detected': remeasure('sinyal tidak menentu', 'erratic signal'),
  'nonpulsatile-signal-detected': remeasure('sinyal tanpa denyut', 'non-pulsatile signal'),
  'questionable-pulse-detected': remeasure('denyut meragukan', 'questionable pulse'),
  'signal-analysis-ongoing': withhold('analisis sinyal belum selesai', 'signal analysis still going on'),
  'sensor-interference-detected': remeasure('gangguan pada sensor', 'sensor interference'),
  'sensor-unconnected-to-user': withhold(
    'sensor tidak terpasang pada pasien',
    'the sensor is not on the patient',
  ),
  'unknown-sensor-connected': withhold('sensor tidak dikenal', 'an unknown sensor is connected'),
  'sensor-displaced': remeasure('sensor bergeser', 'the sensor is displaced'),
  'sensor-malfunctioning': withhold('sensor rusak', 'the sensor is malfunctioning'),
  'sensor-disconnected': withhold('sensor terlepas', 'the sensor is disconnected'),
  'device-clock-not-set': {
    kind: 'clock',
    text: { id: 'jam alat belum disetel', en: 'the device clock is not set' },
  },
  'finger-out': withhold('jari tidak di dalam alat', 'no finger in the oximeter'),
  'spo2-dropping': show('SpO2 sedang turun', 'SpO2 is dropping'),
  'probe-error': withhold('probe alat bermasalah', 'probe error'),
  searching: withhold('alat masih mencari denyut', 'the oximeter is still searching for a pulse'),
  'record-parity-error': withhold(
    'catatan di memori alat rusak',
    'the record in the meter’s memory is damaged',
  ),
  overload: {
    kind: 'beyond-range',
    text: { id: 'beban melebihi kapasitas timbangan', en: 'the load is beyond the scale’s capacity' },
  },
  unstable: withhold('berat belum stabil', 'the weight has not settled'),
};

export function consequenceOf(annunciation: DeviceAnnunciation): AnnunciationConsequence {
  return ANNUNCIATION_CONSEQUENCES[annunciation];
}
