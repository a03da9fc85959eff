/**
 * LOINC codes of the values a screening produces (domain.md, "Codes"). One place, so the FHIR
 * mapping, the clinic record and the kiosk page cannot disagree.
 */
export const LOINC = {
  bloodPressurePanel: '85354-9',
  systolic: '8480-6',
  diastolic: '8462-4',
  meanArterialPressure: '8478-0',
  heartRate: '8867-4',
  bodyWeight: '29463-7',
  bodyHeight: '8302-2',
  bmi: '39156-5',
  bodyTemperature: '8310-5',
  spo2: '59408-5',
  spo2Arterial: '2708-6',
  waistCircumference: '8280-0',
  glucoseCapillaryMeter: '41653-7',
  glucoseFasting: '1558-6',
  glucoseBlood: '2339-0',
  glucoseMolarBlood: '15074-8',
  bodyFat: '41982-0',
  cholesterolTotal: '2093-3',
  uricAcid: '3084-1',
  haemoglobin: '718-7',
} as const;
export type LoincCode = (typeof LOINC)[keyof typeof LOINC];

export const LOINC_SYSTEM = 'http://loinc.org';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
