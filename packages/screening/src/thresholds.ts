import type { Severity } from '@klinik-desa/protocol';
import type { Interval } from './interval.js';
import type { ValueName } from './values.js';

/** A text in Bahasa Indonesia (shown first at the kiosk) and English. */
export interface Text {
  id: string;
  en: string;
}

export interface Source {
  /** Full citation, as a clinician would look it up. */
  citation: string;
  /** What the source does and does not say, where that matters. */
  note?: string;
}

export type ThresholdGroupId =
  | 'bp'
  | 'bp-isolated-systolic'
  | 'glucose-random'
  | 'glucose-fasting'
  | 'bmi-ilp'
  | 'bmi-national'
  | 'waist-male'
  | 'waist-female'
  | 'temperature'
  | 'spo2'
  | 'cholesterol-total'
  | 'uric-acid-men'
  | 'uric-acid-women'
  | 'haemoglobin-men'
  | 'haemoglobin-women'
  | 'haemoglobin-12-14'
  | 'haemoglobin-5-11';

export interface ThresholdGroup {
  id: ThresholdGroupId;
  title: Text;
  /** The values the rows test. */
  values: readonly ValueName[];
  /**
   * `partition`: every value falls in exactly one row (a category is always given).
   * `qualifier`: a row is added only when it matches (isolated systolic hypertension).
   */
  kind: 'partition' | 'qualifier';
  /** When the group is used, in plain words. */
  appliesWhen: string;
  /** How the rows combine, where that needs saying. */
  note?: string;
}

export interface ThresholdRow {
  /** The flag code raised when this row matches; unique in the table. */
  code: string;
  group: ThresholdGroupId;
  label: Text;
  /** One interval per value tested. */
  when: Partial<Record<ValueName, Interval>>;
  /**
   * `any`: one value in its interval is enough; in a partition group the matching row that comes
   * last (the higher category) wins, which is ILP's "the higher of systolic and diastolic decides".
   * `all`: every value must be in its interval.
   */
  match: 'any' | 'all';
  severity: Severity;
  message: Text;
  /** The range as the source prints it. */
  asPrinted: string;
  sources: readonly SourceKey[];
}

export interface PlausibilityRow {
  value: ValueName;
  /** Outside this a value is physiologically impossible at a kiosk: the measurement is rejected. */
  possible: Interval;
  /** Outside this (but possible) the value is flagged for re-measurement. */
  expected: Interval;
  why: string;
}

/**
 * A value a device may report as its limit (`>` / `<`, a glucometer's HI and LO), and where that
 * limit must lie to be a real device's. A limit outside is refused as implausible: a meter whose
 * "HI" could be 150 mg/dL would not tell a normal result from diabetes.
 */
export interface DeviceLimitRow {
  value: ValueName;
  /** Where an upper limit (`> limit`) must lie. */
  above: Interval;
  /** Where a lower limit (`< limit`) must lie. */
  below: Interval;
  /** The flag raised for a result above and below the limit. */
  flags: { above: string; below: string };
  why: string;
  sources: readonly SourceKey[];
}

/** Flags that do not come from a threshold row. `{value}` and `{detail}` are filled in when raised. */
export interface FlagDefinition {
  code: string;
  severity: Severity;
  message: Text;
  raisedWhen: string;
}

export const SOURCES = {
  'ilp-hypertension': {
    citation:
      'Kementerian Kesehatan RI, Petunjuk Teknis Integrasi Pelayanan Kesehatan Primer (ILP), Klaster 3, "Skrining Hipertensi", Tabel 22 "Klasifikasi Hipertensi pada Dewasa" (ESH classification).',
    note: 'Follow-up in the same section: education for normal; education and monthly monitoring for high-normal; refer to the puskesmas when the screening shows hypertension.',
  },
  'ilp-diabetes': {
    citation:
      'Kementerian Kesehatan RI, Petunjuk Teknis ILP, Klaster 3, "Skrining Diabetes Melitus", Tabel 23 "Interpretasi Hasil Pemeriksaan Kadar Gula Darah dengan Glukometer" (from PNPK Tatalaksana DM Tipe 2 Dewasa).',
    note: 'The diabetes row is marked "with classic symptoms": a meter result is a suspicion to confirm at the puskesmas, never a diagnosis. Prediabetes: education and monitoring every 3 months.',
  },
  'ilp-obesity': {
    citation:
      'Kementerian Kesehatan RI, Petunjuk Teknis ILP, Klaster 3, "Skrining Obesitas": IMT classification (WHO, The Asia-Pacific Perspective, 2000) and Tabel 21 "Kategori Obesitas Sentral".',
    note: 'Follow-up: education and lifestyle monitoring, evaluated after 3 months; referral only with comorbidity or metabolic syndrome.',
  },
  'pgs-2014': {
    citation:
      'Kementerian Kesehatan RI, Pedoman Gizi Seimbang 2014 (Permenkes No. 41 Tahun 2014), adult IMT categories.',
  },
  'domain-urgent-bp': {
    citation:
      'klinik-desa domain facts (shared/docs/domain.md): a reading at ILP grade 3 (≥ 180 / ≥ 110 mmHg) is an urgent referral.',
    note: 'ILP itself lists grade 3 as hypertension to refer; the urgency is this project’s rule for a kiosk without a doctor.',
  },
  'general-hypoglycaemia': {
    citation: 'General practice, not ILP: blood glucose < 70 mg/dL is hypoglycaemia (ADA, level 1).',
  },
  'general-fever': { citation: 'General practice, not ILP: fever is a body temperature ≥ 37.5 °C.' },
  'iso-15197-meter-range': {
    citation:
      'ISO 15197:2013, In vitro diagnostic test systems — blood-glucose monitoring systems: meters state a measuring range, typically about 20–600 mg/dL, and show LO/HI outside it.',
    note: 'A result beyond the meter’s range is unknown in size: above it at least the meter’s limit, below it at most the limit.',
  },
  'general-spo2': {
    citation: 'General practice, not ILP: SpO2 < 95 % needs attention; < 90 % is an urgent referral.',
  },
  'p2ptm-cholesterol': {
    citation:
      'Kementerian Kesehatan RI, Direktorat Pencegahan dan Pengendalian Penyakit Tidak Menular (P2PTM), adult total cholesterol: < 200 mg/dL normal, 200–239 mg/dL borderline high, ≥ 240 mg/dL high (the NCEP ATP III categories).',
    note: 'Seen as P2PTM publishes it for the public; the Juknis CKG 2025 text itself was not available to check. A strip meter result is a screening, not a lipid profile: a high result is confirmed at the puskesmas.',
  },
  'general-uric-acid': {
    citation:
      'No Kemenkes threshold found. General practice: hyperuricaemia is serum urate ≥ 7.0 mg/dL in men and ≥ 6.0 mg/dL in women (the common laboratory cut-offs, near urate’s solubility limit of 6.8 mg/dL).',
    note: 'A raised uric acid without symptoms is not gout and not a reason to treat: education on diet, and the puskesmas when there are joint complaints.',
  },
  'kemenkes-anaemia-who': {
    citation:
      'Kementerian Kesehatan RI, Pedoman Pencegahan dan Penanggulangan Anemia pada Remaja Putri dan Wanita Usia Subur (2018), using WHO, Haemoglobin concentrations for the diagnosis of anaemia and assessment of severity (WHO/NMH/NHD/MNM/11.1, 2011).',
    note: 'WHO 2011 cut-offs at sea level, without smoking adjustment. Pregnancy lowers the cut-off to 11.0 g/dL; the kiosk does not know pregnancy, so a pregnant woman is judged by the non-pregnant row (more often flagged, never less). Under 5 years is not classified.',
  },
} as const satisfies Record<string, Source>;
export type SourceKey = keyof typeof SOURCES;

const GROUPS: readonly ThresholdGroup[] = [
  {
    id: 'bp',
    title: { id: 'Tekanan darah', en: 'Blood pressure' },
    values: ['systolic', 'diastolic'],
    kind: 'partition',
    appliesWhen: 'Adults (18 years and over), on the mean of the blood pressure readings of the visit.',
    note: 'A row applies when either value is in its range ("dan/atau"); when systolic and diastolic fall in different rows, the higher row applies.',
  },
  {
    id: 'bp-isolated-systolic',
    title: { id: 'Hipertensi sistolik terisolasi', en: 'Isolated systolic hypertension' },
    values: ['systolic', 'diastolic'],
    kind: 'qualifier',
    appliesWhen: 'As for blood pressure; raised beside the grade, which the systolic value decides.',
  },
  {
    id: 'glucose-random',
    title: { id: 'Gula darah sewaktu (GDS)', en: 'Random blood glucose' },
    values: ['glucose'],
    kind: 'partition',
    appliesWhen: 'A glucometer result not marked fasting (the default in the free health check).',
  },
  {
    id: 'glucose-fasting',
    title: { id: 'Gula darah puasa (GDP)', en: 'Fasting blood glucose' },
    values: ['glucose'],
    kind: 'partition',
    appliesWhen: 'A glucometer result marked fasting by the meter or by the health worker.',
  },
  {
    id: 'bmi-ilp',
    title: { id: 'IMT (tabel ILP, Asia-Pasifik)', en: 'BMI (ILP table, Asia-Pacific)' },
    values: ['bmi'],
    kind: 'partition',
    appliesWhen: 'Adults; the default BMI table (configuration `bmiTable: "ilp"`).',
  },
  {
    id: 'bmi-national',
    title: { id: 'IMT (tabel nasional, PGS 2014)', en: 'BMI (national table, PGS 2014)' },
    values: ['bmi'],
    kind: 'partition',
    appliesWhen: 'Adults, when the clinic is configured with `bmiTable: "national"`.',
  },
  {
    id: 'waist-male',
    title: { id: 'Lingkar perut, laki-laki', en: 'Waist circumference, men' },
    values: ['waistCircumference'],
    kind: 'partition',
    appliesWhen: 'Adult men.',
  },
  {
    id: 'waist-female',
    title: { id: 'Lingkar perut, perempuan', en: 'Waist circumference, women' },
    values: ['waistCircumference'],
    kind: 'partition',
    appliesWhen: 'Adult women.',
  },
  {
    id: 'temperature',
    title: { id: 'Suhu tubuh', en: 'Body temperature' },
    values: ['bodyTemperature'],
    kind: 'partition',
    appliesWhen: 'Every body temperature reading.',
  },
  {
    id: 'spo2',
    title: { id: 'Saturasi oksigen', en: 'Oxygen saturation' },
    values: ['spo2'],
    kind: 'partition',
    appliesWhen: 'Every pulse oximeter reading.',
  },
  {
    id: 'cholesterol-total',
    title: { id: 'Kolesterol total', en: 'Total cholesterol' },
    values: ['totalCholesterol'],
    kind: 'partition',
    appliesWhen: 'Adults (18 years and over), a point-of-care meter result.',
  },
  {
    id: 'uric-acid-men',
    title: { id: 'Asam urat, laki-laki', en: 'Uric acid, men' },
    values: ['uricAcid'],
    kind: 'partition',
    appliesWhen: 'Adult men.',
  },
  {
    id: 'uric-acid-women',
    title: { id: 'Asam urat, perempuan', en: 'Uric acid, women' },
    values: ['uricAcid'],
    kind: 'partition',
    appliesWhen: 'Adult women.',
  },
  {
    id: 'haemoglobin-men',
    title: { id: 'Hemoglobin, laki-laki ≥ 15 tahun', en: 'Haemoglobin, men 15 years and over' },
    values: ['haemoglobin'],
    kind: 'partition',
    appliesWhen: 'Men aged 15 and over (or of unknown age).',
  },
  {
    id: 'haemoglobin-women',
    title: { id: 'Hemoglobin, perempuan ≥ 15 tahun', en: 'Haemoglobin, women 15 years and over' },
    values: ['haemoglobin'],
    kind: 'partition',
    appliesWhen: 'Women aged 15 and over (or of unknown age), not known to be pregnant.',
  },
  {
    id: 'haemoglobin-12-14',
    title: { id: 'Hemoglobin, anak 12–14 tahun', en: 'Haemoglobin, children 12–14 years' },
    values: ['haemoglobin'],
    kind: 'partition',
    appliesWhen: 'Girls and boys aged 12 to 14.',
  },
  {
    id: 'haemoglobin-5-11',
    title: { id: 'Hemoglobin, anak 5–11 tahun', en: 'Haemoglobin, children 5–11 years' },
    values: ['haemoglobin'],
    kind: 'partition',
    appliesWhen: 'Girls and boys aged 5 to 11.',
  },
];

const REFER_HT: Text = {
  id: 'Rujuk ke Puskesmas untuk penegakan diagnosis hipertensi oleh dokter.',
  en: 'Refer to the puskesmas for a doctor to confirm hypertension.',
};

const URIC_ACID_HIGH: Text = {
  id: 'Asam urat tinggi. Edukasi: kurangi jeroan, daging merah, makanan laut dan minuman manis, cukup minum air; ke Puskesmas bila ada nyeri sendi.',
  en: 'High uric acid. Advise less offal, red meat, seafood and sweet drinks, and enough water; to the puskesmas if joints hurt.',
};
const ANAEMIA_MILD: Text = {
  id: 'Anemia ringan. Edukasi makanan kaya zat besi dan tablet tambah darah sesuai program; periksa ulang.',
  en: 'Mild anaemia. Advise iron-rich food and iron tablets as the programme gives them; re-check.',
};
const ANAEMIA_MODERATE: Text = {
  id: 'Anemia sedang. Rujuk ke Puskesmas untuk pemeriksaan dan pengobatan.',
  en: 'Moderate anaemia. Refer to the puskesmas for examination and treatment.',
};
const ANAEMIA_SEVERE: Text = {
  id: 'Anemia berat. Rujuk SEGERA ke Puskesmas hari ini; tanyakan sesak, pusing berat, jantung berdebar.',
  en: 'Severe anaemia. Refer to the puskesmas URGENTLY, today; ask about breathlessness, severe dizziness, palpitations.',
};

const ROWS: readonly ThresholdRow[] = [
  // Blood pressure: rows in rising order; the last row matching either value wins.
  {
    code: 'bp.optimal',
    group: 'bp',
    label: { id: 'Optimal', en: 'Optimal' },
    when: { systolic: { lt: 120 }, diastolic: { lt: 80 } },
    match: 'all',
    severity: 'normal',
    message: {
      id: 'Tekanan darah optimal. Pertahankan gaya hidup sehat.',
      en: 'Blood pressure is optimal. Keep up a healthy lifestyle.',
    },
    asPrinted: '< 120 and < 80',
    sources: ['ilp-hypertension'],
  },
  {
    code: 'bp.normal',
    group: 'bp',
    label: { id: 'Normal', en: 'Normal' },
    when: { systolic: { gte: 120, lt: 130 }, diastolic: { gte: 80, lt: 85 } },
    match: 'any',
    severity: 'normal',
    message: {
      id: 'Tekanan darah normal. Pertahankan gaya hidup sehat.',
      en: 'Blood pressure is normal. Keep up a healthy lifestyle.',
    },
    asPrinted: '120–129 and/or 80–84',
    sources: ['ilp-hypertension'],
  },
  {
    code: 'bp.high-normal',
    group: 'bp',
    label: { id: 'Normal tinggi', en: 'High-normal' },
    when: { systolic: { gte: 130, lt: 140 }, diastolic: { gte: 85, lt: 90 } },
    match: 'any',
    severity: 'attention',
    message: {
      id: 'Tekanan darah normal tinggi. Edukasi gaya hidup sehat dan ukur ulang setiap bulan.',
      en: 'High-normal blood pressure. Advise a healthy lifestyle and re-check every month.',
    },
    asPrinted: '130–139 and/or 85–89',
    sources: ['ilp-hypertension'],
  },
  {
    code: 'bp.grade-1',
    group: 'bp',
    label: { id: 'Hipertensi derajat 1', en: 'Grade 1 hypertension' },
    when: { systolic: { gte: 140, lt: 160 }, diastolic: { gte: 90, lt: 100 } },
    match: 'any',
    severity: 'refer',
    message: { id: `Hipertensi derajat 1. ${REFER_HT.id}`, en: `Grade 1 hypertension. ${REFER_HT.en}` },
    asPrinted: '140–159 and/or 90–99',
    sources: ['ilp-hypertension'],
  },
  {
    code: 'bp.grade-2',
    group: 'bp',
    label: { id: 'Hipertensi derajat 2', en: 'Grade 2 hypertension' },
    when: { systolic: { gte: 160, lt: 180 }, diastolic: { gte: 100, lt: 110 } },
    match: 'any',
    severity: 'refer',
    message: { id: `Hipertensi derajat 2. ${REFER_HT.id}`, en: `Grade 2 hypertension. ${REFER_HT.en}` },
    asPrinted: '160–179 and/or 100–109',
    sources: ['ilp-hypertension'],
  },
  {
    code: 'bp.grade-3',
    group: 'bp',
    label: { id: 'Hipertensi derajat 3', en: 'Grade 3 hypertension' },
    when: { systolic: { gte: 180 }, diastolic: { gte: 110 } },
    match: 'any',
    severity: 'urgent',
    message: {
      id: 'Hipertensi derajat 3. Rujuk SEGERA ke Puskesmas hari ini; tanyakan keluhan sakit kepala hebat, nyeri dada, sesak, lemah separuh badan.',
      en: 'Grade 3 hypertension. Refer to the puskesmas URGENTLY, today; ask about severe headache, chest pain, breathlessness, one-sided weakness.',
    },
    asPrinted: '≥ 180 and/or ≥ 110',
    sources: ['ilp-hypertension', 'domain-urgent-bp'],
  },
  {
    code: 'bp.isolated-systolic',
    group: 'bp-isolated-systolic',
    label: { id: 'Hipertensi sistolik terisolasi', en: 'Isolated systolic hypertension' },
    when: { systolic: { gte: 140 }, diastolic: { lt: 90 } },
    match: 'all',
    severity: 'refer',
    message: {
      id: `Hipertensi sistolik terisolasi. ${REFER_HT.id}`,
      en: `Isolated systolic hypertension. ${REFER_HT.en}`,
    },
    asPrinted: '≥ 140 and < 90',
    sources: ['ilp-hypertension'],
  },

  // Random glucose (GDS).
  {
    code: 'glucose.random.hypoglycaemia',
    group: 'glucose-random',
    label: { id: 'Hipoglikemia', en: 'Hypoglycaemia' },
    when: { glucose: { lt: 70 } },
    match: 'all',
    severity: 'urgent',
    message: {
      id: 'Gula darah rendah (hipoglikemia). Beri gula atau minuman manis SEKARANG, lalu rujuk segera.',
      en: 'Low blood glucose (hypoglycaemia). Give sugar or a sweet drink NOW, then refer urgently.',
    },
    asPrinted: '< 70',
    sources: ['general-hypoglycaemia'],
  },
  {
    code: 'glucose.random.normal',
    group: 'glucose-random',
    label: { id: 'Normal', en: 'Normal' },
    when: { glucose: { gte: 70, lt: 140 } },
    match: 'all',
    severity: 'normal',
    message: {
      id: 'Gula darah sewaktu normal. Pertahankan gaya hidup sehat.',
      en: 'Random blood glucose is normal. Keep up a healthy lifestyle.',
    },
    asPrinted: '70–139',
    sources: ['ilp-diabetes', 'general-hypoglycaemia'],
  },
  {
    code: 'glucose.random.prediabetes',
    group: 'glucose-random',
    label: { id: 'Prediabetes', en: 'Prediabetes' },
    when: { glucose: { gte: 140, lt: 200 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Prediabetes. Edukasi gizi seimbang dan aktivitas fisik; periksa ulang 3 bulan lagi.',
      en: 'Prediabetes. Advise a balanced diet and physical activity; re-check in 3 months.',
    },
    asPrinted: '140–199',
    sources: ['ilp-diabetes'],
  },
  {
    code: 'glucose.random.diabetes',
    group: 'glucose-random',
    label: { id: 'Curiga diabetes (hiperglikemia)', en: 'Suspected diabetes (hyperglycaemia)' },
    when: { glucose: { gte: 200 } },
    match: 'all',
    severity: 'refer',
    message: {
      id: 'Gula darah sewaktu ≥ 200 mg/dL: curiga diabetes. Rujuk ke Puskesmas untuk konfirmasi.',
      en: 'Random blood glucose ≥ 200 mg/dL: suspected diabetes. Refer to the puskesmas for confirmation.',
    },
    asPrinted: '≥ 200',
    sources: ['ilp-diabetes'],
  },

  // Fasting glucose (GDP).
  {
    code: 'glucose.fasting.hypoglycaemia',
    group: 'glucose-fasting',
    label: { id: 'Hipoglikemia', en: 'Hypoglycaemia' },
    when: { glucose: { lt: 70 } },
    match: 'all',
    severity: 'urgent',
    message: {
      id: 'Gula darah rendah (hipoglikemia). Beri gula atau minuman manis SEKARANG, lalu rujuk segera.',
      en: 'Low blood glucose (hypoglycaemia). Give sugar or a sweet drink NOW, then refer urgently.',
    },
    asPrinted: '< 70',
    sources: ['general-hypoglycaemia'],
  },
  {
    code: 'glucose.fasting.normal',
    group: 'glucose-fasting',
    label: { id: 'Normal', en: 'Normal' },
    when: { glucose: { gte: 70, lt: 100 } },
    match: 'all',
    severity: 'normal',
    message: {
      id: 'Gula darah puasa normal. Pertahankan gaya hidup sehat.',
      en: 'Fasting blood glucose is normal. Keep up a healthy lifestyle.',
    },
    asPrinted: '70–99',
    sources: ['ilp-diabetes', 'general-hypoglycaemia'],
  },
  {
    code: 'glucose.fasting.prediabetes',
    group: 'glucose-fasting',
    label: { id: 'Prediabetes', en: 'Prediabetes' },
    when: { glucose: { gte: 100, lt: 126 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Prediabetes. Edukasi gizi seimbang dan aktivitas fisik; periksa ulang 3 bulan lagi.',
      en: 'Prediabetes. Advise a balanced diet and physical activity; re-check in 3 months.',
    },
    asPrinted: '100–125',
    sources: ['ilp-diabetes'],
  },
  {
    code: 'glucose.fasting.diabetes',
    group: 'glucose-fasting',
    label: { id: 'Curiga diabetes', en: 'Suspected diabetes' },
    when: { glucose: { gte: 126 } },
    match: 'all',
    severity: 'refer',
    message: {
      id: 'Gula darah puasa ≥ 126 mg/dL: curiga diabetes. Rujuk ke Puskesmas untuk konfirmasi.',
      en: 'Fasting blood glucose ≥ 126 mg/dL: suspected diabetes. Refer to the puskesmas for confirmation.',
    },
    asPrinted: '≥ 126',
    sources: ['ilp-diabetes'],
  },

  // BMI, ILP (WHO Asia-Pacific) table: the default.
  {
    code: 'bmi.ilp.underweight',
    group: 'bmi-ilp',
    label: { id: 'Berat badan kurang', en: 'Underweight' },
    when: { bmi: { lt: 18.5 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Berat badan kurang. Edukasi gizi seimbang dan pantau berat badan.',
      en: 'Underweight. Advise a balanced diet and follow the weight.',
    },
    asPrinted: '< 18.5',
    sources: ['ilp-obesity'],
  },
  {
    code: 'bmi.ilp.normal',
    group: 'bmi-ilp',
    label: { id: 'Normal', en: 'Normal' },
    when: { bmi: { gte: 18.5, lt: 23 } },
    match: 'all',
    severity: 'normal',
    message: {
      id: 'IMT normal. Pertahankan gaya hidup sehat.',
      en: 'BMI is normal. Keep up a healthy lifestyle.',
    },
    asPrinted: '18.5–22.9',
    sources: ['ilp-obesity'],
  },
  {
    code: 'bmi.ilp.overweight',
    group: 'bmi-ilp',
    label: { id: 'Berat badan lebih', en: 'Overweight' },
    when: { bmi: { gte: 23, lt: 25 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Berat badan lebih (berisiko). Edukasi gizi seimbang dan aktivitas fisik.',
      en: 'Overweight (at risk). Advise a balanced diet and physical activity.',
    },
    asPrinted: '23–24.9',
    sources: ['ilp-obesity'],
  },
  {
    code: 'bmi.ilp.obese-1',
    group: 'bmi-ilp',
    label: { id: 'Obesitas I', en: 'Obese I' },
    when: { bmi: { gte: 25, lt: 30 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Obesitas I. Edukasi dan pantau gaya hidup sehat; evaluasi 3 bulan lagi.',
      en: 'Obese I. Advise and follow a healthy lifestyle; review in 3 months.',
    },
    asPrinted: '25–29.9',
    sources: ['ilp-obesity'],
  },
  {
    code: 'bmi.ilp.obese-2',
    group: 'bmi-ilp',
    label: { id: 'Obesitas II', en: 'Obese II' },
    when: { bmi: { gte: 30 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Obesitas II. Edukasi dan pantau gaya hidup sehat; evaluasi 3 bulan lagi.',
      en: 'Obese II. Advise and follow a healthy lifestyle; review in 3 months.',
    },
    asPrinted: '≥ 30',
    sources: ['ilp-obesity'],
  },

  // BMI, national (Pedoman Gizi Seimbang 2014) table.
  {
    code: 'bmi.national.severely-thin',
    group: 'bmi-national',
    label: { id: 'Kurus (kekurangan berat badan tingkat berat)', en: 'Severely thin' },
    when: { bmi: { lt: 17 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Kurus tingkat berat. Edukasi gizi dan sampaikan ke petugas Puskesmas.',
      en: 'Severely thin. Advise on nutrition and tell the puskesmas.',
    },
    asPrinted: '< 17.0',
    sources: ['pgs-2014'],
  },
  {
    code: 'bmi.national.thin',
    group: 'bmi-national',
    label: { id: 'Kurus (kekurangan berat badan tingkat ringan)', en: 'Thin' },
    when: { bmi: { gte: 17, lt: 18.5 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Kurus. Edukasi gizi seimbang dan pantau berat badan.',
      en: 'Thin. Advise a balanced diet and follow the weight.',
    },
    asPrinted: '17.0–18.4',
    sources: ['pgs-2014'],
  },
  {
    code: 'bmi.national.normal',
    group: 'bmi-national',
    label: { id: 'Normal', en: 'Normal' },
    when: { bmi: { gte: 18.5, lte: 25 } },
    match: 'all',
    severity: 'normal',
    message: {
      id: 'IMT normal. Pertahankan gaya hidup sehat.',
      en: 'BMI is normal. Keep up a healthy lifestyle.',
    },
    asPrinted: '18.5–25.0',
    sources: ['pgs-2014'],
  },
  {
    code: 'bmi.national.overweight',
    group: 'bmi-national',
    label: { id: 'Gemuk (kelebihan berat badan tingkat ringan)', en: 'Overweight' },
    when: { bmi: { gt: 25, lte: 27 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Kelebihan berat badan. Edukasi gizi seimbang dan aktivitas fisik.',
      en: 'Overweight. Advise a balanced diet and physical activity.',
    },
    asPrinted: '> 25.0–27.0',
    sources: ['pgs-2014'],
  },
  {
    code: 'bmi.national.obese',
    group: 'bmi-national',
    label: { id: 'Obesitas (kelebihan berat badan tingkat berat)', en: 'Obese' },
    when: { bmi: { gt: 27 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Obesitas. Edukasi dan pantau gaya hidup sehat; evaluasi 3 bulan lagi.',
      en: 'Obese. Advise and follow a healthy lifestyle; review in 3 months.',
    },
    asPrinted: '> 27.0',
    sources: ['pgs-2014'],
  },

  // Waist circumference (central obesity).
  {
    code: 'waist.male.normal',
    group: 'waist-male',
    label: { id: 'Normal', en: 'Normal' },
    when: { waistCircumference: { lte: 90 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Lingkar perut normal.', en: 'Waist circumference is normal.' },
    asPrinted: '≤ 90',
    sources: ['ilp-obesity'],
  },
  {
    code: 'waist.male.central-obesity',
    group: 'waist-male',
    label: { id: 'Obesitas sentral', en: 'Central obesity' },
    when: { waistCircumference: { gt: 90 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Obesitas sentral (lingkar perut > 90 cm). Edukasi gizi seimbang dan aktivitas fisik.',
      en: 'Central obesity (waist > 90 cm). Advise a balanced diet and physical activity.',
    },
    asPrinted: '> 90',
    sources: ['ilp-obesity'],
  },
  {
    code: 'waist.female.normal',
    group: 'waist-female',
    label: { id: 'Normal', en: 'Normal' },
    when: { waistCircumference: { lte: 80 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Lingkar perut normal.', en: 'Waist circumference is normal.' },
    asPrinted: '≤ 80',
    sources: ['ilp-obesity'],
  },
  {
    code: 'waist.female.central-obesity',
    group: 'waist-female',
    label: { id: 'Obesitas sentral', en: 'Central obesity' },
    when: { waistCircumference: { gt: 80 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Obesitas sentral (lingkar perut > 80 cm). Edukasi gizi seimbang dan aktivitas fisik.',
      en: 'Central obesity (waist > 80 cm). Advise a balanced diet and physical activity.',
    },
    asPrinted: '> 80',
    sources: ['ilp-obesity'],
  },

  // Temperature.
  {
    code: 'temperature.no-fever',
    group: 'temperature',
    label: { id: 'Tidak demam', en: 'No fever' },
    when: { bodyTemperature: { lt: 37.5 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Tidak demam.', en: 'No fever.' },
    asPrinted: '< 37.5',
    sources: ['general-fever'],
  },
  {
    code: 'temperature.fever',
    group: 'temperature',
    label: { id: 'Demam', en: 'Fever' },
    when: { bodyTemperature: { gte: 37.5 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Demam. Tanyakan keluhan lain dan sampaikan ke petugas kesehatan.',
      en: 'Fever. Ask about other complaints and tell the health worker in charge.',
    },
    asPrinted: '≥ 37.5',
    sources: ['general-fever'],
  },

  // SpO2.
  {
    code: 'spo2.very-low',
    group: 'spo2',
    label: { id: 'Sangat rendah', en: 'Very low' },
    when: { spo2: { lt: 90 } },
    match: 'all',
    severity: 'urgent',
    message: {
      id: 'Saturasi oksigen < 90 %. Rujuk SEGERA.',
      en: 'Oxygen saturation below 90 %. Refer URGENTLY.',
    },
    asPrinted: '< 90',
    sources: ['general-spo2'],
  },
  {
    code: 'spo2.low',
    group: 'spo2',
    label: { id: 'Rendah', en: 'Low' },
    when: { spo2: { gte: 90, lt: 95 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Saturasi oksigen rendah (90–94 %). Ukur ulang dalam keadaan istirahat; bila tetap rendah, sampaikan ke petugas Puskesmas.',
      en: 'Low oxygen saturation (90–94 %). Re-measure at rest; if it stays low, tell the puskesmas.',
    },
    asPrinted: '90–94',
    sources: ['general-spo2'],
  },
  {
    code: 'spo2.normal',
    group: 'spo2',
    label: { id: 'Normal', en: 'Normal' },
    when: { spo2: { gte: 95 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Saturasi oksigen normal.', en: 'Oxygen saturation is normal.' },
    asPrinted: '≥ 95',
    sources: ['general-spo2'],
  },

  // Total cholesterol (point-of-care meter).
  {
    code: 'cholesterol.normal',
    group: 'cholesterol-total',
    label: { id: 'Normal', en: 'Normal' },
    when: { totalCholesterol: { lt: 200 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Kolesterol total normal.', en: 'Total cholesterol is normal.' },
    asPrinted: '< 200',
    sources: ['p2ptm-cholesterol'],
  },
  {
    code: 'cholesterol.borderline-high',
    group: 'cholesterol-total',
    label: { id: 'Batas tinggi', en: 'Borderline high' },
    when: { totalCholesterol: { gte: 200, lt: 240 } },
    match: 'all',
    severity: 'attention',
    message: {
      id: 'Kolesterol total batas tinggi. Edukasi gizi seimbang, kurangi lemak jenuh, aktivitas fisik; periksa ulang.',
      en: 'Borderline high total cholesterol. Advise a balanced diet low in saturated fat and physical activity; re-check.',
    },
    asPrinted: '200–239',
    sources: ['p2ptm-cholesterol'],
  },
  {
    code: 'cholesterol.high',
    group: 'cholesterol-total',
    label: { id: 'Tinggi', en: 'High' },
    when: { totalCholesterol: { gte: 240 } },
    match: 'all',
    severity: 'refer',
    message: {
      id: 'Kolesterol total tinggi. Rujuk ke Puskesmas untuk pemeriksaan profil lipid dan penilaian risiko.',
      en: 'High total cholesterol. Refer to the puskesmas for a lipid profile and a risk assessment.',
    },
    asPrinted: '≥ 240',
    sources: ['p2ptm-cholesterol'],
  },

  // Uric acid (point-of-care meter).
  {
    code: 'uric-acid.men.normal',
    group: 'uric-acid-men',
    label: { id: 'Normal', en: 'Normal' },
    when: { uricAcid: { lt: 7 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Asam urat normal.', en: 'Uric acid is normal.' },
    asPrinted: '< 7.0',
    sources: ['general-uric-acid'],
  },
  {
    code: 'uric-acid.men.high',
    group: 'uric-acid-men',
    label: { id: 'Tinggi (hiperurisemia)', en: 'High (hyperuricaemia)' },
    when: { uricAcid: { gte: 7 } },
    match: 'all',
    severity: 'attention',
    message: URIC_ACID_HIGH,
    asPrinted: '≥ 7.0',
    sources: ['general-uric-acid'],
  },
  {
    code: 'uric-acid.women.normal',
    group: 'uric-acid-women',
    label: { id: 'Normal', en: 'Normal' },
    when: { uricAcid: { lt: 6 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Asam urat normal.', en: 'Uric acid is normal.' },
    asPrinted: '< 6.0',
    sources: ['general-uric-acid'],
  },
  {
    code: 'uric-acid.women.high',
    group: 'uric-acid-women',
    label: { id: 'Tinggi (hiperurisemia)', en: 'High (hyperuricaemia)' },
    when: { uricAcid: { gte: 6 } },
    match: 'all',
    severity: 'attention',
    message: URIC_ACID_HIGH,
    asPrinted: '≥ 6.0',
    sources: ['general-uric-acid'],
  },

  // Haemoglobin: WHO 2011 anaemia cut-offs as Kemenkes uses them.
  {
    code: 'haemoglobin.men.normal',
    group: 'haemoglobin-men',
    label: { id: 'Tidak anemia', en: 'No anaemia' },
    when: { haemoglobin: { gte: 13 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Hemoglobin normal (tidak anemia).', en: 'Haemoglobin is normal (no anaemia).' },
    asPrinted: '≥ 13',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.men.mild',
    group: 'haemoglobin-men',
    label: { id: 'Anemia ringan', en: 'Mild anaemia' },
    when: { haemoglobin: { gte: 11, lt: 13 } },
    match: 'all',
    severity: 'attention',
    message: ANAEMIA_MILD,
    asPrinted: '11–12.9',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.men.moderate',
    group: 'haemoglobin-men',
    label: { id: 'Anemia sedang', en: 'Moderate anaemia' },
    when: { haemoglobin: { gte: 8, lt: 11 } },
    match: 'all',
    severity: 'refer',
    message: ANAEMIA_MODERATE,
    asPrinted: '8.0–10.9',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.men.severe',
    group: 'haemoglobin-men',
    label: { id: 'Anemia berat', en: 'Severe anaemia' },
    when: { haemoglobin: { lt: 8 } },
    match: 'all',
    severity: 'urgent',
    message: ANAEMIA_SEVERE,
    asPrinted: '< 8.0',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.women.normal',
    group: 'haemoglobin-women',
    label: { id: 'Tidak anemia', en: 'No anaemia' },
    when: { haemoglobin: { gte: 12 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Hemoglobin normal (tidak anemia).', en: 'Haemoglobin is normal (no anaemia).' },
    asPrinted: '≥ 12',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.women.mild',
    group: 'haemoglobin-women',
    label: { id: 'Anemia ringan', en: 'Mild anaemia' },
    when: { haemoglobin: { gte: 11, lt: 12 } },
    match: 'all',
    severity: 'attention',
    message: ANAEMIA_MILD,
    asPrinted: '11–11.9',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.women.moderate',
    group: 'haemoglobin-women',
    label: { id: 'Anemia sedang', en: 'Moderate anaemia' },
    when: { haemoglobin: { gte: 8, lt: 11 } },
    match: 'all',
    severity: 'refer',
    message: ANAEMIA_MODERATE,
    asPrinted: '8.0–10.9',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.women.severe',
    group: 'haemoglobin-women',
    label: { id: 'Anemia berat', en: 'Severe anaemia' },
    when: { haemoglobin: { lt: 8 } },
    match: 'all',
    severity: 'urgent',
    message: ANAEMIA_SEVERE,
    asPrinted: '< 8.0',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.12-14.normal',
    group: 'haemoglobin-12-14',
    label: { id: 'Tidak anemia', en: 'No anaemia' },
    when: { haemoglobin: { gte: 12 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Hemoglobin normal (tidak anemia).', en: 'Haemoglobin is normal (no anaemia).' },
    asPrinted: '≥ 12',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.12-14.mild',
    group: 'haemoglobin-12-14',
    label: { id: 'Anemia ringan', en: 'Mild anaemia' },
    when: { haemoglobin: { gte: 11, lt: 12 } },
    match: 'all',
    severity: 'attention',
    message: ANAEMIA_MILD,
    asPrinted: '11–11.9',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.12-14.moderate',
    group: 'haemoglobin-12-14',
    label: { id: 'Anemia sedang', en: 'Moderate anaemia' },
    when: { haemoglobin: { gte: 8, lt: 11 } },
    match: 'all',
    severity: 'refer',
    message: ANAEMIA_MODERATE,
    asPrinted: '8.0–10.9',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.12-14.severe',
    group: 'haemoglobin-12-14',
    label: { id: 'Anemia berat', en: 'Severe anaemia' },
    when: { haemoglobin: { lt: 8 } },
    match: 'all',
    severity: 'urgent',
    message: ANAEMIA_SEVERE,
    asPrinted: '< 8.0',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.5-11.normal',
    group: 'haemoglobin-5-11',
    label: { id: 'Tidak anemia', en: 'No anaemia' },
    when: { haemoglobin: { gte: 11.5 } },
    match: 'all',
    severity: 'normal',
    message: { id: 'Hemoglobin normal (tidak anemia).', en: 'Haemoglobin is normal (no anaemia).' },
    asPrinted: '≥ 11.5',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.5-11.mild',
    group: 'haemoglobin-5-11',
    label: { id: 'Anemia ringan', en: 'Mild anaemia' },
    when: { haemoglobin: { gte: 11, lt: 11.5 } },
    match: 'all',
    severity: 'attention',
    message: ANAEMIA_MILD,
    asPrinted: '11–11.4',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.5-11.moderate',
    group: 'haemoglobin-5-11',
    label: { id: 'Anemia sedang', en: 'Moderate anaemia' },
    when: { haemoglobin: { gte: 8, lt: 11 } },
    match: 'all',
    severity: 'refer',
    message: ANAEMIA_MODERATE,
    asPrinted: '8.0–10.9',
    sources: ['kemenkes-anaemia-who'],
  },
  {
    code: 'haemoglobin.5-11.severe',
    group: 'haemoglobin-5-11',
    label: { id: 'Anemia berat', en: 'Severe anaemia' },
    when: { haemoglobin: { lt: 8 } },
    match: 'all',
    severity: 'urgent',
    message: ANAEMIA_SEVERE,
    asPrinted: '< 8.0',
    sources: ['kemenkes-anaemia-who'],
  },
];

/**
 * Plausibility limits: engineering limits, not clinical categories. "Possible" is wide on purpose (a
 * reading that is merely alarming must reach the health worker); "expected" is where a value is still
 * believable from a patient who walked in, beyond which the device or its placement is suspect.
 */
const PLAUSIBILITY: readonly PlausibilityRow[] = [
  {
    value: 'systolic',
    possible: { gte: 40, lte: 300 },
    expected: { gte: 70, lte: 250 },
    why: 'Oscillometric monitors measure about 40–300 mmHg; below 70 a walking patient is unlikely.',
  },
  {
    value: 'diastolic',
    possible: { gte: 20, lte: 200 },
    expected: { gte: 40, lte: 150 },
    why: 'Monitor range; a diastolic above 150 or below 40 usually means cuff or movement error.',
  },
  {
    value: 'meanArterialPressure',
    possible: { gte: 30, lte: 250 },
    expected: { gte: 50, lte: 200 },
    why: 'Lies between diastolic and systolic.',
  },
  {
    value: 'pulseRate',
    possible: { gte: 20, lte: 300 },
    expected: { gte: 40, lte: 180 },
    why: 'Beyond 40–180/min at rest, check the device and the patient.',
  },
  {
    value: 'weight',
    possible: { gt: 0, lt: 400 },
    expected: { gte: 20, lte: 250 },
    why: 'A 400 kg adult is a scale error; below 20 kg is a child or an empty scale.',
  },
  {
    value: 'height',
    possible: { gte: 40, lte: 260 },
    expected: { gte: 120, lte: 210 },
    why: 'Adult heights outside 120–210 cm are rare enough to measure again.',
  },
  {
    value: 'bmi',
    possible: { gte: 7, lte: 150 },
    expected: { gte: 12, lte: 70 },
    why: 'A BMI outside 12–70 almost always comes from a wrong weight or height.',
  },
  {
    value: 'bodyFat',
    possible: { gte: 1, lte: 75 },
    expected: { gte: 3, lte: 60 },
    why: 'Bioimpedance estimates outside 3–60 % are unreliable.',
  },
  {
    value: 'glucose',
    possible: { gte: 10, lte: 1000 },
    expected: { gte: 20, lte: 600 },
    why: 'Meters read about 20–600 mg/dL; outside that they show LO/HI rather than a number.',
  },
  {
    value: 'bodyTemperature',
    possible: { gte: 25, lte: 45 },
    expected: { gte: 34, lte: 42 },
    why: 'Below 34 °C at a kiosk is nearly always a poorly placed thermometer.',
  },
  {
    value: 'spo2',
    possible: { gte: 50, lte: 100 },
    expected: { gte: 70, lte: 100 },
    why: 'Pulse oximeters are accurate only from 70 % (ISO 80601-2-61); above 100 % is impossible.',
  },
  {
    value: 'waistCircumference',
    possible: { gte: 30, lte: 250 },
    expected: { gte: 50, lte: 180 },
    why: 'Tape measurements outside 50–180 cm are usually a unit mistake.',
  },
  {
    value: 'totalCholesterol',
    possible: { gte: 50, lte: 1000 },
    expected: { gte: 100, lte: 500 },
    why: 'Strip meters read about 100–400 mg/dL; outside that they show LO/HI rather than a number.',
  },
  {
    value: 'uricAcid',
    possible: { gte: 0.5, lte: 30 },
    expected: { gte: 2, lte: 20 },
    why: 'Strip meters read about 3–20 mg/dL; below 2 mg/dL is nearly always a strip or unit mistake.',
  },
  {
    value: 'haemoglobin',
    possible: { gte: 2, lte: 30 },
    expected: { gte: 5, lte: 22 },
    why: 'Haemoglobin meters read about 5–26 g/dL; a walking patient below 5 or above 22 g/dL is a sampling error until measured again.',
  },
];

/**
 * Device limits. The glucose limits are chosen so that a result beyond them is certain of its
 * category: above ≥ 200 mg/dL is at least "suspected diabetes" (ILP) and beyond what the meter can
 * read, so it needs urgent confirmation; below ≤ 70 mg/dL is hypoglycaemia whatever its size.
 */
const DEVICE_LIMITS: readonly DeviceLimitRow[] = [
  {
    value: 'glucose',
    above: { gte: 200, lte: 1000 },
    below: { gte: 10, lte: 70 },
    flags: { above: 'glucose.above-device-range', below: 'glucose.below-device-range' },
    why: 'A meter’s HI lies at or above the diabetes threshold (200 mg/dL) and its LO at or below hypoglycaemia (70 mg/dL); the result beyond is in that category for certain.',
    sources: ['iso-15197-meter-range', 'ilp-diabetes', 'general-hypoglycaemia'],
  },
  {
    value: 'weight',
    above: { gt: 0, lt: 400 },
    below: { gt: 0, lt: 400 },
    flags: { above: 'device.beyond-range', below: 'device.beyond-range' },
    why: 'A scale beyond its capacity (or under its minimum load) gives no weight to judge: weigh again on another scale.',
    sources: [],
  },
  {
    value: 'bodyTemperature',
    above: { gte: 25, lte: 45 },
    below: { gte: 25, lte: 45 },
    flags: { above: 'device.beyond-range', below: 'device.beyond-range' },
    why: 'A thermometer’s HI or LO is nearly always a misplaced probe or a hot or cold room: measure again, with another thermometer if it repeats.',
    sources: [],
  },
  {
    value: 'totalCholesterol',
    above: { gte: 240, lte: 1000 },
    below: { gte: 50, lte: 200 },
    flags: { above: 'cholesterol.above-device-range', below: 'device.beyond-range' },
    why: 'A meter’s HI (typically 400 mg/dL) lies at or above "high" (240 mg/dL): the result beyond is high for certain. A LO says only that the strip read too little: measure again.',
    sources: ['p2ptm-cholesterol'],
  },
  {
    value: 'uricAcid',
    above: { gte: 7, lte: 30 },
    below: { gte: 0.5, lte: 6 },
    flags: { above: 'uric-acid.above-device-range', below: 'device.beyond-range' },
    why: 'A meter’s HI (typically 20 mg/dL) lies above both sexes’ cut-off: the result beyond is high for certain. A LO: measure again.',
    sources: ['general-uric-acid'],
  },
  {
    value: 'haemoglobin',
    above: { gte: 13, lte: 30 },
    below: { gte: 2, lte: 8 },
    flags: { above: 'device.beyond-range', below: 'haemoglobin.below-device-range' },
    why: 'A meter’s LO (typically 5–7 g/dL) lies below every group’s severe-anaemia cut-off (8 g/dL): the result beyond is severe anaemia for certain. A HI: measure again.',
    sources: ['kemenkes-anaemia-who'],
  },
];

const OTHER_FLAGS: readonly FlagDefinition[] = [
  {
    code: 'glucose.above-device-range',
    severity: 'urgent',
    message: {
      id: 'Gula darah di atas batas ukur alat ({detail}): sangat tinggi. Rujuk SEGERA ke Puskesmas untuk konfirmasi.',
      en: 'Blood glucose above the meter’s range ({detail}): very high. Refer URGENTLY to the puskesmas for confirmation.',
    },
    raisedWhen: 'A glucometer reports a result above its range (HI, `>`), with or without its limit.',
  },
  {
    code: 'glucose.below-device-range',
    severity: 'urgent',
    message: {
      id: 'Gula darah di bawah batas ukur alat ({detail}): hipoglikemia. Beri gula atau minuman manis SEKARANG, lalu rujuk segera.',
      en: 'Blood glucose below the meter’s range ({detail}): hypoglycaemia. Give sugar or a sweet drink NOW, then refer urgently.',
    },
    raisedWhen: 'A glucometer reports a result below its range (LO, `<`), with or without its limit.',
  },
  {
    code: 'cholesterol.above-device-range',
    severity: 'refer',
    message: {
      id: 'Kolesterol total di atas batas ukur alat ({detail}): tinggi. Rujuk ke Puskesmas untuk pemeriksaan profil lipid.',
      en: 'Total cholesterol above the meter’s range ({detail}): high. Refer to the puskesmas for a lipid profile.',
    },
    raisedWhen: 'A cholesterol meter reports a result above its range (HI, `>`).',
  },
  {
    code: 'uric-acid.above-device-range',
    severity: 'attention',
    message: {
      id: 'Asam urat di atas batas ukur alat ({detail}): tinggi. Edukasi diet; ke Puskesmas bila ada nyeri sendi.',
      en: 'Uric acid above the meter’s range ({detail}): high. Advise on diet; to the puskesmas if joints hurt.',
    },
    raisedWhen: 'A uric acid meter reports a result above its range (HI, `>`).',
  },
  {
    code: 'haemoglobin.below-device-range',
    severity: 'urgent',
    message: {
      id: 'Hemoglobin di bawah batas ukur alat ({detail}): anemia berat. Rujuk SEGERA ke Puskesmas hari ini.',
      en: 'Haemoglobin below the meter’s range ({detail}): severe anaemia. Refer to the puskesmas URGENTLY, today.',
    },
    raisedWhen: 'A haemoglobin meter reports a result below its range (LO, `<`).',
  },
  {
    code: 'device.beyond-range',
    severity: 'attention',
    message: {
      id: '{value} di luar batas ukur alat ({detail}). Ukur ulang; bila berulang, pakai alat lain.',
      en: '{value} is beyond the device’s range ({detail}). Measure again; if it repeats, use another device.',
    },
    raisedWhen:
      'A scale or thermometer reports its limit (`>` / `<`) instead of a value, or a cholesterol, uric acid or haemoglobin meter a limit that says nothing certain (cholesterol or uric acid LO, haemoglobin HI).',
  },
  {
    code: 'device.value-withheld',
    severity: 'attention',
    message: {
      id: 'Nilai dari alat tidak dipakai: {detail}. Ukur ulang.',
      en: 'The device’s value is not used: {detail}. Measure again.',
    },
    raisedWhen:
      'The device says its number is not the patient’s result (a fault, a probe off the finger, an estimate, demonstration data): see docs/device-vocabulary.md.',
  },
  {
    code: 'device.notice',
    severity: 'normal',
    message: { id: 'Alat melaporkan: {detail}.', en: 'The device reports: {detail}.' },
    raisedWhen:
      'The device reports something the worker should know that does not change the value (a low battery).',
  },
  {
    code: 'plausibility.remeasure',
    severity: 'attention',
    message: {
      id: '{value} di luar rentang yang biasa. Periksa pemasangan alat dan ukur ulang.',
      en: '{value} is outside the usual range. Check how the device is placed and measure again.',
    },
    raisedWhen: 'A value is possible but outside its expected range (see the plausibility table).',
  },
  {
    code: 'device.remeasure',
    severity: 'attention',
    message: {
      id: 'Alat melaporkan masalah pengukuran ({detail}). Ukur ulang.',
      en: 'The device reported a measurement problem ({detail}). Measure again.',
    },
    raisedWhen:
      'The device says its number is doubtful (body movement, a loose cuff, an improper position, too small a sample, a poor signal...): see docs/device-vocabulary.md.',
  },
  {
    code: 'bp.irregular-pulse',
    severity: 'attention',
    message: {
      id: 'Alat mendeteksi denyut nadi tidak teratur. Ukur ulang; bila tetap, sampaikan ke petugas Puskesmas.',
      en: 'The monitor detected an irregular pulse. Measure again; if it persists, tell the puskesmas.',
    },
    raisedWhen: 'The blood pressure monitor reports an irregular pulse.',
  },
  {
    code: 'bp.repeat-needed',
    severity: 'attention',
    message: {
      id: 'Ukur tekanan darah sekali lagi: minimal 2 kali dengan jeda 1–2 menit; yang dinilai adalah rata-ratanya.',
      en: 'Measure blood pressure once more: at least twice, 1–2 minutes apart; the mean is classified.',
    },
    raisedWhen: 'A visit has fewer than two blood pressure readings.',
  },
  {
    code: 'glucose.assumed-random',
    severity: 'normal',
    message: {
      id: 'Status puasa tidak diketahui; dinilai sebagai gula darah sewaktu.',
      en: 'Fasting state unknown; classified as a random glucose.',
    },
    raisedWhen: 'Neither the meter nor the health worker said the patient was fasting.',
  },
  {
    code: 'screening.not-adult',
    severity: 'attention',
    message: {
      id: 'Pasien di bawah 18 tahun: batas dewasa untuk tekanan darah, IMT dan lingkar perut tidak berlaku.',
      en: 'Patient under 18: the adult limits for blood pressure, BMI and waist do not apply.',
    },
    raisedWhen: 'The patient’s age is known and below 18 years.',
  },
  {
    code: 'time.no-device-clock',
    severity: 'normal',
    // Plain ASCII: this message rides in nearly every scale reading, and one typographic apostrophe
    // made the whole reading a two-byte string, slower to serialise, store and send at every hop.
    message: {
      id: 'Alat tidak mengirim waktu; dipakai waktu kiosk saat data diterima.',
      en: "The device sent no time; the kiosk's receive time is used.",
    },
    raisedWhen: 'The device sent no time stamp.',
  },
  {
    code: 'time.device-clock-past',
    severity: 'attention',
    message: {
      id: 'Jam alat tertinggal jauh (mungkin ter-reset); dipakai waktu kiosk. Setel jam alat.',
      en: 'The device clock is far behind (perhaps reset); the kiosk time is used. Set the device clock.',
    },
    raisedWhen: 'The device time is more than 24 hours (configurable) before the kiosk received the reading.',
  },
  {
    code: 'time.device-clock-future',
    severity: 'attention',
    message: {
      id: 'Jam alat lebih cepat dari jam kiosk; dipakai waktu kiosk. Setel jam alat.',
      en: 'The device clock is ahead of the kiosk; the kiosk time is used. Set the device clock.',
    },
    raisedWhen: 'The device time is more than 5 minutes (configurable) after the kiosk received the reading.',
  },
  {
    code: 'time.device-clock-invalid',
    severity: 'attention',
    message: {
      id: 'Waktu dari alat tidak valid; dipakai waktu kiosk.',
      en: 'The device sent an invalid time; the kiosk time is used.',
    },
    raisedWhen: 'The device time is not a real calendar date and time (e.g. 30 February, month 0).',
  },
];

export interface ThresholdTable {
  /** Stamped on every flag this table raises (`Flag.rules`), so a record says which rules judged it. */
  version: string;
  sources: typeof SOURCES;
  groups: readonly ThresholdGroup[];
  rows: readonly ThresholdRow[];
  plausibility: readonly PlausibilityRow[];
  deviceLimits: readonly DeviceLimitRow[];
  flags: readonly FlagDefinition[];
}

/**
 * The one table of screening rules. Change a threshold here, bump `version`, and regenerate
 * docs/screening.md (`write-docs`): a test fails while the page and this table disagree.
 */
export const THRESHOLDS: ThresholdTable = {
  version: 'ilp-2025.3',
  sources: SOURCES,
  groups: GROUPS,
  rows: ROWS,
  plausibility: PLAUSIBILITY,
  deviceLimits: DEVICE_LIMITS,
  flags: OTHER_FLAGS,
};

export function groupOf(id: ThresholdGroupId, table: ThresholdTable = THRESHOLDS): ThresholdGroup {
  const group = table.groups.find((g) => g.id === id);
  if (!group) throw new Error(`no threshold group ${id}`);
  return group;
}

export function rowsOf(id: ThresholdGroupId, table: ThresholdTable = THRESHOLDS): ThresholdRow[] {
  return table.rows.filter((r) => r.group === id);
}

export function flagDefinition(code: string, table: ThresholdTable = THRESHOLDS): FlagDefinition {
  const def = table.flags.find((f) => f.code === code);
  if (!def) throw new Error(`no flag definition ${code}`);
  return def;
}

export function deviceLimitOf(
  value: ValueName,
  table: ThresholdTable = THRESHOLDS,
): DeviceLimitRow | undefined {
  return table.deviceLimits.find((d) => d.value === value);
}

export function plausibilityOf(
  value: ValueName,
  table: ThresholdTable = THRESHOLDS,
): PlausibilityRow | undefined {
  return table.plausibility.find((p) => p.value === value);
}
