import { type GlucoseSpecimen, LOINC, type Ucum } from '@klinik-desa/protocol';

/**
 * Two LOINC codes the protocol's table lacks. Without them a fasting capillary glucose (GDP from a
 * meter) would have to be coded as a serum/plasma lab test (1558-6), and a random plasma glucose as
 * whole blood (2339-0): both would misstate the specimen.
 */
export const LOINC_EXTRA = {
  glucoseFastingCapillaryMeter: '41604-0',
  glucoseSerumPlasma: '2345-7',
} as const;

/** The values a screening reading can hold, by their `ReadingValue.name`. */
export const VALUE_NAMES = [
  'systolic',
  'diastolic',
  'meanArterialPressure',
  'pulseRate',
  'weight',
  'height',
  'bmi',
  'bodyFat',
  'glucose',
  'glucoseMolar',
  'bodyTemperature',
  'spo2',
  'waistCircumference',
  'totalCholesterol',
  'uricAcid',
  'haemoglobin',
] as const;
export type ValueName = (typeof VALUE_NAMES)[number];

export interface ValueDefinition {
  name: ValueName;
  /** The LOINC code; glucose's depends on specimen and fasting (see `glucoseCode`). */
  code: string;
  /** The canonical UCUM unit every reading of this value is stored in. */
  unit: Ucum;
  /** Decimals kept after conversion. What the screen shows is what is classified. */
  decimals: number;
  /** Units a device may report this value in (each converts to `unit`). */
  accepts: readonly Ucum[];
  label: { id: string; en: string };
}

export const VALUES: Readonly<Record<ValueName, ValueDefinition>> = {
  systolic: {
    name: 'systolic',
    code: LOINC.systolic,
    unit: 'mm[Hg]',
    decimals: 0,
    accepts: ['mm[Hg]', 'kPa'],
    label: { id: 'Tekanan darah sistolik', en: 'Systolic blood pressure' },
  },
  diastolic: {
    name: 'diastolic',
    code: LOINC.diastolic,
    unit: 'mm[Hg]',
    decimals: 0,
    accepts: ['mm[Hg]', 'kPa'],
    label: { id: 'Tekanan darah diastolik', en: 'Diastolic blood pressure' },
  },
  meanArterialPressure: {
    name: 'meanArterialPressure',
    code: LOINC.meanArterialPressure,
    unit: 'mm[Hg]',
    decimals: 0,
    accepts: ['mm[Hg]', 'kPa'],
    label: { id: 'Tekanan arteri rata-rata', en: 'Mean arterial pressure' },
  },
  pulseRate: {
    name: 'pulseRate',
    code: LOINC.heartRate,
    unit: '/min',
    decimals: 0,
    accepts: ['/min'],
    label: { id: 'Denyut nadi', en: 'Pulse rate' },
  },
  weight: {
    name: 'weight',
    code: LOINC.bodyWeight,
    unit: 'kg',
    decimals: 2,
    accepts: ['kg', 'g', '[lb_av]', '[oz_av]'],
    label: { id: 'Berat badan', en: 'Body weight' },
  },
  height: {
    name: 'height',
    code: LOINC.bodyHeight,
    unit: 'cm',
    decimals: 1,
    accepts: ['cm', 'm', '[in_i]'],
    label: { id: 'Tinggi badan', en: 'Body height' },
  },
  bmi: {
    name: 'bmi',
    code: LOINC.bmi,
    unit: 'kg/m2',
    decimals: 1,
    accepts: ['kg/m2'],
    label: { id: 'Indeks massa tubuh (IMT)', en: 'Body mass index (BMI)' },
  },
  bodyFat: {
    name: 'bodyFat',
    code: LOINC.bodyFat,
    unit: '%',
    decimals: 1,
    accepts: ['%'],
    label: { id: 'Lemak tubuh', en: 'Body fat' },
  },
  glucose: {
    name: 'glucose',
    code: LOINC.glucoseCapillaryMeter,
    unit: 'mg/dL',
    decimals: 0,
    accepts: ['mg/dL', 'mmol/L'],
    label: { id: 'Gula darah', en: 'Blood glucose' },
  },
  glucoseMolar: {
    name: 'glucoseMolar',
    code: LOINC.glucoseMolarBlood,
    unit: 'mmol/L',
    decimals: 1,
    accepts: ['mmol/L'],
    label: { id: 'Gula darah (mmol/L)', en: 'Blood glucose (mmol/L)' },
  },
  bodyTemperature: {
    name: 'bodyTemperature',
    code: LOINC.bodyTemperature,
    unit: 'Cel',
    decimals: 1,
    accepts: ['Cel', '[degF]'],
    label: { id: 'Suhu tubuh', en: 'Body temperature' },
  },
  spo2: {
    name: 'spo2',
    code: LOINC.spo2,
    unit: '%',
    decimals: 0,
    accepts: ['%'],
    label: { id: 'Saturasi oksigen (SpO2)', en: 'Oxygen saturation (SpO2)' },
  },
  waistCircumference: {
    name: 'waistCircumference',
    code: LOINC.waistCircumference,
    unit: 'cm',
    decimals: 1,
    accepts: ['cm', 'm', '[in_i]'],
    label: { id: 'Lingkar perut', en: 'Waist circumference' },
  },
  totalCholesterol: {
    name: 'totalCholesterol',
    code: LOINC.cholesterolTotal,
    unit: 'mg/dL',
    decimals: 0,
    accepts: ['mg/dL', 'mmol/L'],
    label: { id: 'Kolesterol total', en: 'Total cholesterol' },
  },
  uricAcid: {
    name: 'uricAcid',
    code: LOINC.uricAcid,
    unit: 'mg/dL',
    decimals: 1,
    accepts: ['mg/dL', 'umol/L', 'mmol/L'],
    label: { id: 'Asam urat', en: 'Uric acid' },
  },
  haemoglobin: {
    name: 'haemoglobin',
    code: LOINC.haemoglobin,
    unit: 'g/dL',
    decimals: 1,
    accepts: ['g/dL', 'g/L', 'mmol/L'],
    label: { id: 'Hemoglobin', en: 'Haemoglobin' },
  },
};

export function isValueName(name: string): name is ValueName {
  return (VALUE_NAMES as readonly string[]).includes(name);
}

/**
 * The LOINC code of a mass-concentration glucose result. Capillary (and unstated) specimens are meter
 * results; the fasting state is part of the code, so GDP and GDS stay apart in SATUSEHAT.
 */
export function glucoseCode(specimen: GlucoseSpecimen | undefined, fasting: boolean): string {
  switch (specimen) {
    case 'venous-plasma':
    case 'arterial-plasma':
      return fasting ? LOINC.glucoseFasting : LOINC_EXTRA.glucoseSerumPlasma;
    case 'venous-whole-blood':
    case 'arterial-whole-blood':
      return LOINC.glucoseBlood;
    default:
      return fasting ? LOINC_EXTRA.glucoseFastingCapillaryMeter : LOINC.glucoseCapillaryMeter;
  }
}

/** LOINC display names (long common names) for every code this package emits. */
export const LOINC_DISPLAY: Readonly<Record<string, string>> = {
  [LOINC.bloodPressurePanel]: 'Blood pressure panel with all children optional',
  [LOINC.systolic]: 'Systolic blood pressure',
  [LOINC.diastolic]: 'Diastolic blood pressure',
  [LOINC.meanArterialPressure]: 'Mean blood pressure',
  [LOINC.heartRate]: 'Heart rate',
  [LOINC.bodyWeight]: 'Body weight',
  [LOINC.bodyHeight]: 'Body height',
  [LOINC.bmi]: 'Body mass index (BMI) [Ratio]',
  [LOINC.bodyTemperature]: 'Body temperature',
  [LOINC.spo2]: 'Oxygen saturation in Arterial blood by Pulse oximetry',
  [LOINC.spo2Arterial]: 'Oxygen saturation in Arterial blood',
  [LOINC.waistCircumference]: 'Waist Circumference at umbilicus by Tape measure',
  [LOINC.glucoseCapillaryMeter]: 'Glucose [Mass/volume] in Capillary blood by Glucometer',
  [LOINC_EXTRA.glucoseFastingCapillaryMeter]:
    'Fasting glucose [Mass/volume] in Capillary blood by Glucometer',
  [LOINC.glucoseFasting]: 'Fasting glucose [Mass/volume] in Serum or Plasma',
  [LOINC_EXTRA.glucoseSerumPlasma]: 'Glucose [Mass/volume] in Serum or Plasma',
  [LOINC.glucoseBlood]: 'Glucose [Mass/volume] in Blood',
  [LOINC.glucoseMolarBlood]: 'Glucose [Moles/volume] in Blood',
  [LOINC.bodyFat]: 'Percentage of body fat Measured',
  [LOINC.cholesterolTotal]: 'Cholesterol [Mass/volume] in Serum or Plasma',
  [LOINC.uricAcid]: 'Urate [Mass/volume] in Serum or Plasma',
  [LOINC.haemoglobin]: 'Hemoglobin [Mass/volume] in Blood',
};
