// The kiosk page's words in Indonesian and English, and how it writes numbers, times and units.
// One table, so a translator edits one file and every screen stays in the same language. What the
// agent and the clinic answer is said by its code from the agent's message table (/messages.js).

import { MESSAGES, UNKNOWN_MESSAGE } from './messages.js';

export const lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'id';
export const TEXT = {
  id: {
    title: 'Pemeriksaan Kesehatan',
    patient: 'Pasien',
    nik: 'NIK (16 angka)',
    nikOptional: 'NIK (boleh kosong)',
    find: 'Cari',
    noNik: 'Tidak ada NIK? Cari dengan nama dan tanggal lahir',
    name: 'Nama',
    birthDate: 'Tanggal lahir',
    sex: 'Jenis kelamin',
    female: 'Perempuan',
    male: 'Laki-laki',
    register: 'Daftarkan pasien baru',
    registerButton: 'Daftarkan',
    finish: 'Selesai',
    typedTitle: 'Diukur tanpa alat tersambung',
    heightCm: 'Tinggi badan (cm)',
    waistCm: 'Lingkar perut (cm)',
    cholesterolMgDl: 'Kolesterol total (mg/dL)',
    uricAcidMgDl: 'Asam urat (mg/dL)',
    haemoglobinGDl: 'Hemoglobin (g/dL)',
    typedLimit: 'Alat menunjukkan HI atau LO? Tulis > atau < dengan batas alat, misalnya >400.',
    save: 'Simpan',
    saved: 'Tersimpan.',
    notANumber: 'Tulis angka, misalnya 158,5.',
    devices: 'Alat',
    start: 'Mulai pemeriksaan',
    fasting: 'Puasa (8 jam)',
    random: 'Tidak puasa',
    glucoseAsk: 'Gula darah:',
    years: (n) => `${n} tahun`,
    searching: 'Mencari…',
    notFound: 'Belum terdaftar. Daftarkan pasien di bawah ini.',
    foundMany: (n) => `${n} pasien ditemukan: pilih yang benar.`,
    registered: 'Terdaftar. Periksa datanya, lalu mulai pemeriksaan.',
    exists: 'NIK ini sudah terdaftar:',
    onServer: 'Pemeriksaan tercatat di klinik.',
    openQueued:
      'Klinik tidak dapat dihubungi: pemeriksaan dibuka di kiosk dan tercatat di klinik, dengan semua hasilnya, saat jaringan kembali.',
    localOnly:
      'Klinik tidak dapat dihubungi: pemeriksaan dibuka di kiosk. Hasil tetap disimpan dan dicocokkan oleh klinik nanti.',
    finished: 'Pemeriksaan selesai dan tercatat di klinik.',
    finishLater: 'Pemeriksaan ditutup. Klinik akan diberi tahu saat jaringan kembali.',
    finishLocal: 'Pemeriksaan ditutup.',
    readingsOf: (name) => `Hasil: ${name}`,
    readingsUnassigned: 'Hasil tanpa pasien (ditetapkan oleh klinik)',
    noReadings: 'Belum ada hasil. Ukur dengan alat yang siap.',
    online: 'Terhubung ke klinik',
    offline: 'Offline: hasil aman tersimpan di kiosk',
    waiting: (n) => `${n} hasil menunggu dikirim`,
    allSent: 'Semua hasil terkirim',
    nearlyFull: (n, cap) =>
      `PENYIMPANAN KIOSK HAMPIR PENUH: ${n} dari ${cap} hasil belum diterima klinik. Jaringan sudah lama terputus. Hubungi petugas TI koperasi hari ini.`,
    rejectedCount: (n) => `${n} hasil ditolak oleh klinik: lihat daftar hasil.`,
    diskFull: (held) =>
      `PENYIMPANAN KIOSK PENUH: hasil baru belum tersimpan (${held} hasil timbangan ditahan sementara; glukometer dibaca ulang nanti). Hubungi petugas TI koperasi sekarang.`,
    diskLow: (mb) => `Penyimpanan kiosk hampir penuh (sisa ${mb} MB). Hubungi petugas TI koperasi.`,
    diskDropped: (n) => `${n} hasil timbangan hilang karena penyimpanan penuh: timbang ulang pasiennya.`,
    agentDown:
      'AGEN KIOSK TIDAK MENJAWAB: hasil alat tidak dibaca sekarang. Jangan ukur dulu; nyalakan ulang kiosk atau hubungi petugas TI.',
    remeasure: (device, message) => `${device}: hasil tidak dipakai, ukur ulang. (${message})`,
    live: (device, values) => `${device}: sedang mengukur… ${values}`,
    liveName: { cuffPressure: 'tekanan manset', spo2: 'SpO₂', pulseRate: 'denyut nadi' },
    urgent: 'SEGERA',
    dismiss: 'Tutup',
    state: {
      queued: 'Tersimpan di kiosk',
      published: 'Terkirim',
      received: 'Diterima klinik ✓',
      rejected: 'Ditolak klinik',
    },
    device: {
      connected: 'Siap',
      connecting: 'Menghubungkan…',
      disconnected: 'Terputus: periksa kabel dan daya',
      failed: 'Mati: driver alat bermasalah, hubungi petugas teknis',
    },
    lastReading: (t) => `hasil terakhir ${t}`,
    deviceErrors: (n) => `kesalahan: ${n}`,
    clockSet: (t) => `jam alat diatur ${t}`,
    clockUnsupported: 'jam alat tidak dapat diatur (tanpa Current Time Service)',
    clockFailed: 'jam alat gagal diatur',
    kind: {
      'blood-pressure': 'Tekanan darah',
      glucose: 'Gula darah',
      weight: 'Berat badan',
      'body-composition': 'Komposisi tubuh',
      temperature: 'Suhu tubuh',
      'pulse-oximetry': 'Saturasi oksigen',
      height: 'Tinggi badan',
      waist: 'Lingkar perut',
      bmi: 'IMT',
      cholesterol: 'Kolesterol total',
      'uric-acid': 'Asam urat',
      haemoglobin: 'Hemoglobin',
    },
    value: {
      pulseRate: 'Nadi',
      meanArterialPressure: 'Tekanan arteri rata-rata',
      bodyFat: 'Lemak tubuh',
      spo2: 'SpO2',
      bmi: 'IMT',
      weight: 'Berat',
      height: 'Tinggi',
      glucose: 'Gula darah',
      bodyTemperature: 'Suhu',
      waistCircumference: 'Lingkar perut',
      totalCholesterol: 'Kolesterol total',
      uricAcid: 'Asam urat',
      haemoglobin: 'Hb',
    },
    perMinute: '/menit',
    computed: 'dihitung',
    earlierTitle: 'Diukur sebelum pemeriksaan dibuka (15 menit terakhir)',
    assign: 'Milik pasien ini',
    notAtClinicYet: 'belum sampai di klinik',
    verdict: {
      normal: 'Hasil: normal.',
      attention: 'Hasil: perlu perhatian. Beri saran gaya hidup sehat dan periksa ulang.',
      refer: 'Hasil: perlu dirujuk ke puskesmas.',
      urgent: 'Hasil: SEGERA rujuk ke puskesmas atau rumah sakit.',
    },
    typed: 'diketik',
    practitioner: 'Petugas yang memeriksa',
    choosePractitioner: 'Pilih nama Anda',
    practitionerNeeded: 'Pilih dulu nama petugas yang memeriksa (di atas).',
    practitionerStale: 'Klinik tidak dapat dihubungi: daftar petugas dari ingatan kiosk.',
    by: (name) => `Petugas: ${name}`,
    takeHomeTitle: 'Ringkasan untuk pasien',
    takeHomeNote: 'Untuk dibawa pulang pasien: selalu dalam Bahasa Indonesia, tanpa NIK.',
    printSummary: 'Cetak ringkasan',
  },
  en: {
    title: 'Health check',
    patient: 'Patient',
    nik: 'NIK (16 digits)',
    nikOptional: 'NIK (may be empty)',
    find: 'Find',
    noNik: 'No NIK? Find by name and birth date',
    name: 'Name',
    birthDate: 'Birth date',
    sex: 'Sex',
    female: 'Female',
    male: 'Male',
    register: 'Register a new patient',
    registerButton: 'Register',
    finish: 'Finish',
    typedTitle: 'Measured without a connected device',
    heightCm: 'Height (cm)',
    waistCm: 'Waist (cm)',
    cholesterolMgDl: 'Total cholesterol (mg/dL)',
    uricAcidMgDl: 'Uric acid (mg/dL)',
    haemoglobinGDl: 'Haemoglobin (g/dL)',
    typedLimit: 'Meter shows HI or LO? Type > or < with the meter’s limit, e.g. >400.',
    save: 'Save',
    saved: 'Saved.',
    notANumber: 'Type a number, e.g. 158.5.',
    devices: 'Devices',
    start: 'Start the check',
    fasting: 'Fasting (8 hours)',
    random: 'Not fasting',
    glucoseAsk: 'Blood glucose:',
    years: (n) => `${n} years`,
    searching: 'Searching…',
    notFound: 'Not registered yet. Register the patient below.',
    foundMany: (n) => `${n} patients found: choose the right one.`,
    registered: 'Registered. Check the details, then start the check.',
    exists: 'This NIK is already registered:',
    onServer: 'The check is recorded at the clinic.',
    openQueued:
      'The clinic cannot be reached: the check is open on this kiosk and reaches the clinic, with all its results, when the network is back.',
    localOnly:
      'The clinic cannot be reached: the check is open on this kiosk. Results are kept and matched by the clinic later.',
    finished: 'Check finished and recorded at the clinic.',
    finishLater: 'Check closed. The clinic will be told when the network is back.',
    finishLocal: 'Check closed.',
    readingsOf: (name) => `Results: ${name}`,
    readingsUnassigned: 'Results without a patient (the clinic assigns them)',
    noReadings: 'No results yet. Measure with a device that is ready.',
    online: 'Connected to the clinic',
    offline: 'Offline: results are kept safely on the kiosk',
    waiting: (n) => `${n} results waiting to be sent`,
    allSent: 'All results sent',
    nearlyFull: (n, cap) =>
      `KIOSK STORAGE NEARLY FULL: ${n} of ${cap} results not yet received by the clinic. The network has been down for long. Call the cooperative's IT contact today.`,
    rejectedCount: (n) => `${n} results were rejected by the clinic: see the results list.`,
    diskFull: (held) =>
      `KIOSK STORAGE FULL: new results are not saved yet (${held} weighings held for now; meters are read again later). Call the cooperative's IT contact now.`,
    diskLow: (mb) => `Kiosk storage is getting full (${mb} MB left). Call the cooperative's IT contact.`,
    diskDropped: (n) => `${n} weighings were lost because the storage was full: weigh those patients again.`,
    agentDown:
      "THE KIOSK AGENT IS NOT ANSWERING: device results are not being read now. Do not measure yet; restart the kiosk or call the cooperative's IT contact.",
    remeasure: (device, message) => `${device}: result not used, measure again. (${message})`,
    live: (device, values) => `${device}: measuring… ${values}`,
    liveName: { cuffPressure: 'cuff pressure', spo2: 'SpO₂', pulseRate: 'pulse' },
    urgent: 'URGENT',
    dismiss: 'Close',
    state: {
      queued: 'Kept on the kiosk',
      published: 'Sent',
      received: 'Received by the clinic ✓',
      rejected: 'Rejected by the clinic',
    },
    device: {
      connected: 'Ready',
      connecting: 'Connecting…',
      disconnected: 'Disconnected: check the cable and power',
      failed: "Off: the device's driver failed, call technical support",
    },
    lastReading: (t) => `last result ${t}`,
    deviceErrors: (n) => `errors: ${n}`,
    clockSet: (t) => `clock set at ${t}`,
    clockUnsupported: 'clock cannot be set (no Current Time Service)',
    clockFailed: 'clock could not be set',
    kind: {
      'blood-pressure': 'Blood pressure',
      glucose: 'Blood glucose',
      weight: 'Weight',
      'body-composition': 'Body composition',
      temperature: 'Body temperature',
      'pulse-oximetry': 'Oxygen saturation',
      height: 'Height',
      waist: 'Waist',
      bmi: 'BMI',
      cholesterol: 'Total cholesterol',
      'uric-acid': 'Uric acid',
      haemoglobin: 'Haemoglobin',
    },
    value: {
      pulseRate: 'Pulse',
      meanArterialPressure: 'Mean arterial pressure',
      bodyFat: 'Body fat',
      spo2: 'SpO2',
      bmi: 'BMI',
      weight: 'Weight',
      height: 'Height',
      glucose: 'Glucose',
      bodyTemperature: 'Temperature',
      waistCircumference: 'Waist',
      totalCholesterol: 'Total cholesterol',
      uricAcid: 'Uric acid',
      haemoglobin: 'Hb',
    },
    perMinute: '/min',
    computed: 'computed',
    earlierTitle: 'Measured before the check was opened (last 15 minutes)',
    assign: 'Belongs to this patient',
    notAtClinicYet: 'not at the clinic yet',
    verdict: {
      normal: 'Result: normal.',
      attention: 'Result: needs attention. Advise a healthy lifestyle and a re-check.',
      refer: 'Result: refer to the puskesmas.',
      urgent: 'Result: refer URGENTLY to the puskesmas or hospital.',
    },
    typed: 'typed in',
    practitioner: 'Health worker doing the check',
    choosePractitioner: 'Choose your name',
    practitionerNeeded: 'First choose the health worker doing the check (above).',
    practitionerStale: 'The clinic cannot be reached: health workers as the kiosk last saw them.',
    by: (name) => `Health worker: ${name}`,
    takeHomeTitle: "The patient's summary",
    takeHomeNote: 'For the patient to take home: always in Bahasa Indonesia, without the NIK.',
    printSummary: 'Print the summary',
  },
};
export const t = TEXT[lang];

/**
 * How one language writes numbers, units, times and dates. The page uses its own language's; the
 * take-home summary always uses Indonesian's, whatever the page shows.
 */
export function formatsFor(language) {
  const locale = language === 'id' ? 'id-ID' : 'en-GB';
  return {
    t: TEXT[language],
    /** UCUM codes as people write them on paper. */
    units: {
      'mm[Hg]': 'mmHg',
      Cel: '°C',
      'kg/m2': 'kg/m²',
      '/min': TEXT[language].perMinute,
      'mmol/L': 'mmol/L',
      'mg/dL': 'mg/dL',
      'g/dL': 'g/dL',
      'g/L': 'g/L',
      'umol/L': 'µmol/L',
    },
    numbers: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }),
    clock: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
    // Birth dates are calendar days: formatted in UTC so no zone can move them a day.
    dates: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
    /** A moment on the kiosk's own clock and calendar. */
    moment: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }),
  };
}

export const PAGE_FORMATS = formatsFor(lang);
export const { numbers, clock, dates } = PAGE_FORMATS;
export const UNIT = PAGE_FORMATS.units;

/**
 * What an answer of the agent means, in the page's language: the words for its `details.problem`
 * (a BAD_PATIENT's field) or else its `code`. The English `message` beside them is for logs and is
 * never shown; a code the table lacks gets the generic sentence naming it.
 */
export function messageFor(answer, language = lang) {
  const details = answer?.details ?? {};
  const code = [details.problem, answer?.code].find(
    (c) => typeof c === 'string' && Object.hasOwn(MESSAGES, c),
  );
  if (code === undefined)
    return fill(UNKNOWN_MESSAGE[language], { code: String(answer?.code ?? answer?.status ?? '?') });
  const formats = formatsFor(language);
  const measured = details.measured;
  return fill(MESSAGES[code][language], {
    value: details.label?.[language] ?? details.value ?? '',
    measured:
      measured && typeof measured.value === 'number'
        ? `${formats.numbers.format(measured.value)} ${formats.units[measured.unit] ?? measured.unit}`
        : '',
    seconds: answer?.retryAfter ?? '',
  });
}

function fill(text, params) {
  return text
    .replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''))
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * The take-home summary's own words, in Bahasa Indonesia only: it goes home with the patient,
 * who reads Indonesian whatever language the health worker set the page to.
 */
export const TAKE_HOME = {
  title: 'Ringkasan Pemeriksaan Kesehatan',
  programme: 'Cek Kesehatan Gratis',
  clinic: 'Klinik',
  kiosk: 'Kiosk',
  name: 'Nama',
  age: 'Umur',
  sex: 'Jenis kelamin',
  when: 'Tanggal dan jam',
  practitioner: 'Petugas',
  results: 'Hasil pemeriksaan',
  conclusion: 'Kesimpulan',
  computed: 'dihitung',
  /** Each result's triage flag in words. */
  severity: {
    normal: 'Normal',
    attention: 'Perlu perhatian',
    refer: 'Perlu dirujuk ke puskesmas',
    urgent: 'SEGERA dirujuk',
  },
  notDiagnosis:
    'Ini hasil skrining, bukan diagnosis. Hanya dokter atau tenaga kesehatan di puskesmas yang dapat menegakkan diagnosis; bawa lembar ini saat Anda ke puskesmas.',
};
