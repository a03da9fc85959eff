// The kiosk page's messages: one stable code, its Indonesian and its English words. The agent
// serves this table to the page as `/messages.js`; docs/deployment.md shows it (generated).
// Placeholders the page fills in: {value} (what was measured, in the page's language),
// {measured} (the number and unit), {seconds}, {code}.

/** One message in both of the page's languages. */
export interface PageMessage {
  id: string;
  en: string;
}

const IT = {
  id: 'Hubungi petugas TI koperasi',
  en: "Call the cooperative's IT contact",
};

/** Said for a code the table does not have: still in the page's language, naming the code. */
export const UNKNOWN_MESSAGE: PageMessage = {
  id: `Terjadi kesalahan (kode {code}). ${IT.id} jika terjadi lagi.`,
  en: `Something went wrong (code {code}). ${IT.en} if it happens again.`,
};

export const PAGE_MESSAGES: Readonly<Record<string, PageMessage>> = {
  // ------------------------------------------------------------ the local API
  TOO_LARGE: {
    id: 'Data yang dikirim terlalu besar dan tidak diterima.',
    en: 'What was sent is too large and was not taken.',
  },
  INVALID_JSON: {
    id: 'Data yang dikirim rusak dan tidak dapat dibaca. Muat ulang halaman lalu coba lagi.',
    en: 'What was sent is damaged and cannot be read. Reload the page and try again.',
  },
  BAD_SESSION: {
    id: 'Pemeriksaan tidak dapat dibuka: data pasien tidak lengkap. Cari pasien lagi lalu mulai pemeriksaan.',
    en: "The check cannot be opened: the patient's details are incomplete. Find the patient again and start the check.",
  },
  BAD_RESEND: {
    id: 'Permintaan kirim ulang tidak sah: pilih kode penolakan yang akan dikirim ulang.',
    en: 'The resend request is not valid: choose the rejection codes to send again.',
  },
  NOT_FOUND: { id: 'Data yang dicari tidak ditemukan.', en: 'What was asked for was not found.' },
  NO_SESSION: { id: 'Tidak ada pemeriksaan yang sedang dibuka.', en: 'No check is open.' },
  INTERNAL: {
    id: `Terjadi kesalahan di kiosk. Coba lagi; ${IT.id.toLowerCase()} jika terjadi lagi.`,
    en: `Something went wrong on the kiosk. Try again; ${IT.en.toLowerCase()} if it happens again.`,
  },
  FOREIGN_HOST: {
    id: 'Halaman ini hanya dibuka di kiosk sendiri (alamat 127.0.0.1).',
    en: 'This page opens only on the kiosk itself (address 127.0.0.1).',
  },
  FOREIGN_ORIGIN: {
    id: 'Permintaan dari halaman lain ditolak.',
    en: 'Requests from another page are refused.',
  },
  PAGE_PIN_NOT_SET: {
    id: 'PIN belum diatur di kiosk ini. Jalankan: kiosk-agent set-pin --config kiosk.yaml',
    en: 'No PIN is set on this kiosk. Run: kiosk-agent set-pin --config kiosk.yaml',
  },
  PAGE_LOCKED: {
    id: 'Halaman terkunci. Masukkan PIN petugas untuk membuka.',
    en: "The page is locked. Type the health worker's PIN to open it.",
  },
  PIN_WRONG: { id: 'PIN salah.', en: 'Wrong PIN.' },
  PIN_PAUSED: {
    id: 'Terlalu banyak PIN salah. Coba lagi dalam {seconds} detik.',
    en: 'Too many wrong PINs. Try again in {seconds} seconds.',
  },
  LOOKUP_RATE: {
    id: 'Terlalu banyak pencarian pasien dalam satu menit. Tunggu {seconds} detik lalu cari lagi.',
    en: 'Too many patient searches in a minute. Wait {seconds} seconds and search again.',
  },

  // ------------------------------------------------------------ the agent asking the clinic
  BAD_PATIENT: {
    id: 'Data pasien belum benar. Periksa isian lalu coba lagi.',
    en: "The patient's details are not right yet. Check what was typed and try again.",
  },
  NO_CLINIC_API: {
    id: 'Kiosk ini tidak terhubung ke data pasien klinik. Hasil disimpan tanpa nama dan ditetapkan oleh klinik.',
    en: "This kiosk is not connected to the clinic's patient records. Results are kept without a name and the clinic assigns them.",
  },
  CLINIC_UNREACHABLE: {
    id: 'Klinik tidak dapat dihubungi. Tetap ukur: hasil disimpan di kiosk dan ditetapkan ke pasien oleh klinik nanti.',
    en: 'The clinic cannot be reached. Measure anyway: the results are kept on the kiosk and the clinic assigns them to the patient later.',
  },
  NO_CLINIC_SCREENING: {
    id: 'Pemeriksaan ini belum tercatat di klinik, jadi hasil ini belum dapat ditetapkan. Klinik akan menetapkannya nanti.',
    en: 'This check is not recorded at the clinic yet, so this result cannot be assigned now. The clinic will assign it later.',
  },

  // ------------------------------------------------------------ the NIK (protocol NIK_PROBLEMS)
  NIK_NOT_16_DIGITS: {
    id: 'NIK harus tepat 16 angka, tanpa huruf atau spasi.',
    en: 'A NIK is exactly 16 digits, with no letters or spaces.',
  },
  NIK_PROVINCE: {
    id: 'Dua angka pertama NIK adalah kode provinsi (11 sampai 94). Periksa KTP lalu ketik ulang.',
    en: 'The first two digits of a NIK are a province code (11 to 94). Check the KTP and type it again.',
  },
  NIK_REGENCY: {
    id: 'Angka ke-3 dan ke-4 NIK adalah kode kabupaten/kota dan tidak boleh 00.',
    en: 'Digits 3 and 4 of a NIK are the regency or city code and cannot be 00.',
  },
  NIK_DISTRICT: {
    id: 'Angka ke-5 dan ke-6 NIK adalah kode kecamatan dan tidak boleh 00.',
    en: 'Digits 5 and 6 of a NIK are the district code and cannot be 00.',
  },
  NIK_BIRTH_DATE: {
    id: 'Angka ke-7 sampai ke-12 NIK adalah tanggal lahir (TTBBTT; tanggal ditambah 40 untuk perempuan). Periksa KTP lalu ketik ulang.',
    en: 'Digits 7 to 12 of a NIK are the birth date (DDMMYY; 40 is added to the day for women). Check the KTP and type it again.',
  },
  NIK_SERIAL: {
    id: 'Empat angka terakhir NIK adalah nomor urut dan tidak boleh 0000.',
    en: 'The last four digits of a NIK are a serial number and cannot be 0000.',
  },

  // ------------------------------------------------------------ the rest of the patient form
  NAME_INVALID: {
    id: 'Tulis nama seperti di KTP (1 sampai 200 huruf).',
    en: 'Write the name as on the KTP (1 to 200 characters).',
  },
  SEARCH_NAME_TOO_SHORT: {
    id: 'Tulis paling sedikit 3 huruf atau angka dari nama.',
    en: 'Type at least 3 letters or digits of the name.',
  },
  BIRTH_DATE_INVALID: {
    id: 'Isi tanggal lahir yang benar.',
    en: 'Fill in a valid birth date.',
  },
  SEX_INVALID: { id: 'Pilih jenis kelamin.', en: 'Choose the sex.' },

  // ------------------------------------------------------------ values typed on the page, measurements
  BAD_MEASUREMENT: {
    id: 'Nilai yang diketik tidak dapat disimpan. Tulis angka, misalnya 158,5.',
    en: 'The value typed cannot be kept. Type a number, e.g. 158.5.',
  },
  IMPLAUSIBLE: {
    id: '{value} {measured} tidak mungkin hasil pengukuran orang: alat atau pembacaannya bermasalah. Ukur ulang.',
    en: "{value} {measured} cannot be a person's measurement: the device or its reading is at fault. Measure again.",
  },
  CONTROL_SOLUTION: {
    id: 'Ini tes cairan kontrol untuk memeriksa alat, bukan hasil pasien. Ukur ulang dengan darah pasien.',
    en: "This is a control-solution test of the meter, not the patient's result. Measure again with the patient's blood.",
  },
  UNSUPPORTED_UNIT: {
    id: '{value} dikirim alat dalam satuan yang tidak dikenal. Hubungi petugas teknis.',
    en: '{value} came from the device in a unit that is not known. Call technical support.',
  },
  UNSUPPORTED_SPECIMEN: {
    id: 'Gula darah dari sensor CGM (cairan antarsel) tidak dipakai untuk skrining. Ukur dengan glukometer darah kapiler.',
    en: 'CGM glucose (interstitial fluid) is not used for screening. Measure with a capillary blood meter.',
  },
  UNKNOWN_ANNUNCIATION: {
    id: 'Alat mengirim keterangan yang tidak dikenal. Ukur ulang; hubungi petugas teknis jika terjadi lagi.',
    en: 'The device sent a condition that is not known. Measure again; call technical support if it happens again.',
  },
  COMPARATOR_NOT_ALLOWED: {
    id: '{value}: alat mengirim batas (> atau <), padahal alat ini tidak punya batas. Ukur ulang.',
    en: '{value}: the device sent a limit (> or <), which this device has none of. Measure again.',
  },
  INCOMPLETE_MEASUREMENT: {
    id: 'Timbangan hanya mengirim bagian pertama dari hasil pengukuran: tidak ada yang disimpan. Ukur ulang.',
    en: 'The scale sent only the first part of its measurement: nothing was kept. Measure again.',
  },
  OUTBOX_FULL: {
    id: `Penyimpanan kiosk penuh: nilai ini belum tersimpan. ${IT.id} sekarang, lalu simpan lagi.`,
    en: `The kiosk's storage is full: this value is not kept yet. ${IT.en} now, then save again.`,
  },

  // ------------------------------------------------------------ the clinic API (protocol API_ERROR_CODES)
  BAD_REQUEST: {
    id: 'Klinik menolak permintaan ini karena tidak sah.',
    en: 'The clinic refused this request as not valid.',
  },
  VALIDATION: {
    id: 'Klinik menolak data ini: ada isian yang belum benar. Periksa lalu coba lagi.',
    en: 'The clinic refused these details: something typed is not right. Check it and try again.',
  },
  UNAUTHENTICATED: {
    id: `Kiosk tidak dapat masuk ke klinik. ${IT.id}.`,
    en: `The kiosk cannot sign in to the clinic. ${IT.en}.`,
  },
  INVALID_CLIENT: {
    id: `Klinik tidak mengenal kiosk ini (kredensial salah). ${IT.id}.`,
    en: `The clinic does not know this kiosk (wrong credentials). ${IT.en}.`,
  },
  INVALID_SCOPE: {
    id: `Kiosk ini tidak diberi izin untuk itu oleh klinik. ${IT.id}.`,
    en: `The clinic has not given this kiosk leave to do that. ${IT.en}.`,
  },
  UNSUPPORTED_GRANT_TYPE: {
    id: `Cara masuk kiosk ke klinik tidak didukung. ${IT.id}.`,
    en: `The way the kiosk signs in to the clinic is not supported. ${IT.en}.`,
  },
  FORBIDDEN: {
    id: 'Klinik tidak mengizinkan kiosk ini melakukannya.',
    en: 'The clinic does not allow this kiosk to do that.',
  },
  CONFLICT: {
    id: 'Data di klinik sudah berubah. Muat ulang lalu coba lagi.',
    en: 'The record at the clinic has changed. Reload and try again.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    id: 'Klinik menolak permintaan yang diulang dengan isi berbeda. Coba lagi.',
    en: 'The clinic refused a repeated request with different contents. Try again.',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    id: 'Klinik masih memproses permintaan yang sama. Tunggu sebentar lalu coba lagi.',
    en: 'The clinic is still working on the same request. Wait a moment and try again.',
  },
  IDEMPOTENCY_SECRET_NOT_KEPT: {
    id: `Klinik tidak dapat mengulang jawaban sebelumnya. ${IT.id}.`,
    en: `The clinic cannot repeat its earlier answer. ${IT.en}.`,
  },
  PATIENT_EXISTS: {
    id: 'NIK ini sudah terdaftar di klinik. Cari pasien dengan NIK-nya.',
    en: 'This NIK is already registered at the clinic. Find the patient by their NIK.',
  },
  KIOSK_EXISTS: {
    id: 'Kiosk ini sudah terdaftar di klinik.',
    en: 'This kiosk is already registered at the clinic.',
  },
  PRACTITIONER_EXISTS: {
    id: 'Petugas ini sudah terdaftar di klinik.',
    en: 'This health worker is already registered at the clinic.',
  },
  PRACTITIONER_NOT_FOUND: {
    id: 'Petugas yang dipilih tidak ada lagi di daftar klinik. Pilih nama Anda lagi.',
    en: "The health worker chosen is no longer on the clinic's list. Choose your name again.",
  },
  PRACTITIONER_NOT_USABLE: {
    id: 'Petugas yang dipilih tidak aktif di klinik. Pilih nama Anda lagi.',
    en: 'The health worker chosen is not active at the clinic. Choose your name again.',
  },
  SCREENING_CLOSED: {
    id: 'Pemeriksaan ini sudah ditutup di klinik.',
    en: 'This check is already closed at the clinic.',
  },
  SCREENING_EXISTS: {
    id: 'Pemeriksaan ini sudah tercatat di klinik.',
    en: 'This check is already recorded at the clinic.',
  },
  READING_NOT_UNASSIGNED: {
    id: 'Hasil ini sudah milik pasien lain atau pemeriksaan lain.',
    en: 'This result already belongs to another patient or check.',
  },
  SCREENING_OF_ANOTHER_CLINIC: {
    id: 'Pemeriksaan ini milik klinik lain.',
    en: 'This check belongs to another clinic.',
  },
  FHIR_NOT_READY: {
    id: 'Data untuk SATUSEHAT belum siap.',
    en: 'The data for SATUSEHAT is not ready yet.',
  },
  PAYLOAD_TOO_LARGE: {
    id: 'Klinik menolak data yang terlalu besar.',
    en: 'The clinic refused data that is too large.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    id: 'Klinik tidak dapat membaca bentuk data ini.',
    en: 'The clinic cannot read data in this form.',
  },
  RATE_LIMITED: {
    id: 'Klinik sedang menerima terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.',
    en: 'The clinic is getting too many requests. Wait a moment and try again.',
  },
  UNAVAILABLE: {
    id: 'Klinik sedang tidak tersedia. Tetap ukur: hasil disimpan di kiosk.',
    en: 'The clinic is unavailable for now. Measure anyway: the results are kept on the kiosk.',
  },

  // ------------------------------------------------------------ the clinic's receipts for readings
  SCHEMA: {
    id: 'Hasil ini ditolak klinik karena bentuk datanya salah. Ukur ulang.',
    en: 'The clinic rejected this result: its data is malformed. Measure again.',
  },
  WRONG_TOPIC: {
    id: `Hasil ini dikirim atas nama kiosk lain. ${IT.id}.`,
    en: `This result was sent in another kiosk's name. ${IT.en}.`,
  },
  UNSTORABLE: {
    id: 'Klinik tidak dapat menyimpan hasil ini. Ukur ulang.',
    en: 'The clinic cannot store this result. Measure again.',
  },
  UNKNOWN_KIOSK: {
    id: `Klinik belum mendaftarkan kiosk ini. ${IT.id}.`,
    en: `The clinic has not registered this kiosk. ${IT.en}.`,
  },
  FOREIGN_SCREENING: {
    id: 'Hasil ini menyebut pemeriksaan klinik lain dan ditolak.',
    en: "This result names another clinic's check and was rejected.",
  },
  FOREIGN_PATIENT: {
    id: 'Hasil ini menyebut pasien klinik lain dan ditolak.',
    en: "This result names another clinic's patient and was rejected.",
  },
};

/**
 * Codes whose Indonesian and English words may be the same (proper nouns, commands). Empty today:
 * every message is a sentence of its own in each language.
 */
export const SAME_IN_BOTH = new Set<string>();
