// The kiosk page: what the health worker sees beside the devices. It talks only to the kiosk
// agent's local API on this machine (the agent asks the clinic); everything on it is built with
// textContent, never HTML strings, since names come from the clinic's records.
import { isLocked, lockNow, startLock } from './lock.js';

const lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'id';
const locale = lang === 'id' ? 'id-ID' : 'en-GB';

const TEXT = {
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
    unreachable:
      'Klinik tidak dapat dihubungi. Tetap ukur: hasil disimpan di kiosk dan ditetapkan ke pasien oleh klinik nanti.',
    noClinicApi:
      'Kiosk ini tidak terhubung ke data pasien klinik. Hasil disimpan tanpa nama dan ditetapkan oleh klinik.',
    onServer: 'Pemeriksaan tercatat di klinik.',
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
    agentDown:
      'AGEN KIOSK TIDAK MENJAWAB: hasil alat tidak dibaca sekarang. Jangan ukur dulu; nyalakan ulang kiosk atau hubungi petugas TI.',
    remeasure: (device, message) => `${device}: hasil tidak dipakai, ukur ulang. (${message})`,
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
    },
    lastReading: (t) => `hasil terakhir ${t}`,
    deviceErrors: (n) => `kesalahan: ${n}`,
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
    unreachable:
      'The clinic cannot be reached. Measure anyway: the results are kept on the kiosk and the clinic assigns them to the patient later.',
    noClinicApi:
      "This kiosk is not connected to the clinic's patient records. Results are kept without a name and the clinic assigns them.",
    onServer: 'The check is recorded at the clinic.',
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
    agentDown:
      "THE KIOSK AGENT IS NOT ANSWERING: device results are not being read now. Do not measure yet; restart the kiosk or call the cooperative's IT contact.",
    remeasure: (device, message) => `${device}: result not used, measure again. (${message})`,
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
    },
    lastReading: (t) => `last result ${t}`,
    deviceErrors: (n) => `errors: ${n}`,
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
  },
};
const t = TEXT[lang];

/** UCUM codes as people write them on paper. */
const UNIT = {
  'mm[Hg]': 'mmHg',
  Cel: '°C',
  'kg/m2': 'kg/m²',
  '/min': t.perMinute,
  'mmol/L': 'mmol/L',
  'mg/dL': 'mg/dL',
};

const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
// Birth dates are calendar days: formatted in UTC so no zone can move them a day.
const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** A DOM element with attributes and children; strings become text nodes, never HTML. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  // The agent ended the page session (idle, or restarted): lock, as the page's own timer would.
  if (response.status === 401 && data.code === 'PAGE_LOCKED') lockNow();
  return { ok: response.ok, status: response.status, data };
}

// ---------------------------------------------------------------- state

const state = {
  status: undefined,
  /** The open screening (the agent's session), or null. */
  session: null,
  /** The patient shown for the open session, by patient id. */
  patients: new Map(),
  /** Readings by id, newest first when listed. */
  readings: new Map(),
  /** The agent's event stream is broken: the agent stopped or crashed. */
  agentDown: false,
  /** Devices whose last measurement was not usable: device id → message. */
  remeasure: new Map(),
  /** The clinic's health workers (id → name); empty when it keeps no list. */
  practitioners: new Map(),
};

// The same worker does check after check: the choice survives reloads and restarts of the page.
const PRACTITIONER_KEY = 'klinik-desa.practitionerId';

// ---------------------------------------------------------------- rendering

function render() {
  // An answer that arrives after the lock must not put a patient back on screen.
  if (isLocked()) return;
  renderStatus();
  renderSession();
  renderReadings();
  renderDevices();
}

function renderStatus() {
  const status = state.status;
  if (state.agentDown) {
    // What the page shows otherwise would be the state from before the agent went away.
    $('link').textContent = '';
    $('link').className = '';
    $('waiting').textContent = '';
    $('waiting').className = '';
    $('alerts').replaceChildren(el('p', { class: 'alert loud', 'data-testid': 'agent-down' }, t.agentDown));
    return;
  }
  if (!status) return;
  $('kiosk-name').textContent = `${status.kioskId} · ${status.clinicId}`;
  const link = $('link');
  link.textContent = status.broker.connected ? t.online : t.offline;
  link.className = `pill ${status.broker.connected ? 'ok' : 'warn'}`;
  const waiting = $('waiting');
  const depth = status.outbox.depth;
  waiting.textContent = depth > 0 ? t.waiting(numbers.format(depth)) : t.allSent;
  waiting.className = `pill ${depth > 0 ? 'neutral' : 'ok'}`;

  const alerts = [];
  if (status.outbox.nearlyFull) {
    alerts.push(
      el(
        'p',
        { class: 'alert loud', 'data-testid': 'outbox-full' },
        t.nearlyFull(numbers.format(depth), numbers.format(status.outbox.capacity)),
      ),
    );
  }
  if (status.outboxDetail?.rejected > 0) {
    alerts.push(el('p', { class: 'alert' }, t.rejectedCount(status.outboxDetail.rejected)));
  }
  for (const [device, message] of state.remeasure) {
    alerts.push(
      el(
        'p',
        { class: 'alert', 'data-testid': 'remeasure' },
        t.remeasure(device, message),
        ' ',
        el('button', { type: 'button', onclick: () => dismissRemeasure(device) }, t.dismiss),
      ),
    );
  }
  for (const reading of sessionReadings()) {
    for (const flag of reading.flags) {
      if (flag.severity !== 'urgent') continue;
      alerts.push(
        el(
          'p',
          { class: 'alert loud', 'data-testid': 'urgent' },
          `${t.urgent}: ${t.kind[reading.kind] ?? reading.kind}: ${flagText(flag)}`,
        ),
      );
    }
  }
  $('alerts').replaceChildren(...alerts);
}

function dismissRemeasure(device) {
  state.remeasure.delete(device);
  renderStatus();
}

function patientLabel(patientId) {
  const card = state.patients.get(patientId);
  return card ? card.name : patientId;
}

function renderSession() {
  const session = state.session;
  $('no-session').hidden = Boolean(session);
  $('in-session').hidden = !session;
  if (!session) return;
  const card = state.patients.get(session.patientId);
  $('patient-name').textContent = patientLabel(session.patientId);
  $('patient-facts').textContent = card
    ? [
        formatDate(card.birthDate),
        t.years(card.ageYears),
        t[card.sex],
        session.glucoseContext ? `${t.glucoseAsk} ${t[session.glucoseContext]}` : undefined,
        session.practitionerId && state.practitioners.has(session.practitionerId)
          ? t.by(state.practitioners.get(session.practitionerId))
          : undefined,
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
  $('session-note').textContent = session.onServer ? t.onServer : t.localOnly;
}

function formatDate(isoDate) {
  const [y, m, d] = isoDate.split('-').map(Number);
  return dates.format(Date.UTC(y, m - 1, d));
}

/** Readings of the open screening, or the unassigned ones while none is open; newest first. */
function sessionReadings() {
  const session = state.session;
  return newestFirst()
    .filter((r) => (session ? ofSession(r, session) : unassigned(r)))
    .slice(0, session ? 30 : 10)
    .map((r) => ({ ...r.reading, state: r.state, rejected: r.rejected }));
}

function newestFirst() {
  return [...state.readings.values()].sort((a, b) => (a.reading.receivedAt < b.reading.receivedAt ? 1 : -1));
}

const ofSession = (r, session) =>
  r.reading.sessionId === session.sessionId || (session.assigned ?? []).includes(r.reading.id);
const unassigned = (r) =>
  r.reading.sessionId === undefined && !(state.session?.assigned ?? []).includes(r.reading.id);

/**
 * Results taken in the last 15 minutes before the check was opened (the worker weighed first):
 * offered for this patient, once the clinic has them.
 */
function renderEarlier() {
  const session = state.session;
  const since = Date.now() - 15 * 60_000;
  const earlier = session
    ? newestFirst().filter((r) => unassigned(r) && Date.parse(r.reading.receivedAt) >= since)
    : [];
  $('earlier').hidden = earlier.length === 0;
  $('earlier-list').replaceChildren(
    ...earlier.map((r) =>
      el(
        'li',
        { class: 'earlier', 'data-testid': 'earlier-reading', 'data-id': r.reading.id },
        el('span', {}, `${t.kind[r.reading.kind] ?? r.reading.kind} `),
        ...readingValues(r.reading),
        r.state === 'received'
          ? el('button', { type: 'button', onclick: () => void assignEarlier(r.reading.id) }, t.assign)
          : el('span', { class: 'note' }, t.notAtClinicYet),
      ),
    ),
  );
}

async function assignEarlier(readingId) {
  const result = await api('POST', `/readings/${encodeURIComponent(readingId)}/assign`);
  if (!result.ok) return message(errorText(result), 'error');
  await setSession(result.data);
}

function renderReadings() {
  const session = state.session;
  $('readings-title').textContent = session
    ? t.readingsOf(patientLabel(session.patientId))
    : t.readingsUnassigned;
  const readings = sessionReadings();
  $('no-readings').textContent = readings.length === 0 ? t.noReadings : '';
  $('readings').replaceChildren(...readings.map(readingItem));
  renderEarlier();
}

function worstSeverity(reading) {
  const order = ['normal', 'attention', 'refer', 'urgent'];
  return reading.flags.reduce(
    (worst, f) => (order.indexOf(f.severity) > order.indexOf(worst) ? f.severity : worst),
    'normal',
  );
}

function flagText(flag) {
  return flag.message?.[lang] ?? flag.code;
}

function valueText(v) {
  if (v.value === null) return '–';
  return `${numbers.format(v.value)} ${UNIT[v.unit] ?? v.unit}`;
}

function readingValues(reading) {
  const byName = new Map(reading.values.map((v) => [v.name, v]));
  const sys = byName.get('systolic');
  const dia = byName.get('diastolic');
  const parts = [];
  if (sys && dia) {
    parts.push(
      el(
        'span',
        { class: 'value' },
        `${sys.value === null ? '–' : numbers.format(sys.value)}/${dia.value === null ? '–' : numbers.format(dia.value)} mmHg`,
      ),
    );
    byName.delete('systolic');
    byName.delete('diastolic');
  }
  const rest = [...byName.values()];
  for (const v of rest) {
    const label = rest.length === 1 && !(sys && dia) ? undefined : (t.value[v.name] ?? v.name);
    parts.push(el('span', { class: 'value' }, label ? `${label} ${valueText(v)}` : valueText(v)));
  }
  return parts;
}

function readingItem(reading) {
  const severity = worstSeverity(reading);
  // "The device sent no time" rides on nearly every scale reading: the record keeps it, the worker
  // has nothing to do about it.
  const shown = reading.flags.filter((f) => !(f.severity === 'normal' && f.code.startsWith('time.')));
  return el(
    'li',
    {
      class: `reading ${severity}`,
      'data-testid': 'reading',
      'data-id': reading.id,
      'data-state': reading.state,
    },
    el(
      'div',
      { class: 'reading-head' },
      el('strong', {}, t.kind[reading.kind] ?? reading.kind),
      reading.derivedFrom ? el('span', { class: 'tag' }, t.computed) : undefined,
      reading.device.protocol === 'manual' ? el('span', { class: 'tag' }, t.typed) : undefined,
      el('time', { datetime: reading.measuredAt }, clock.format(new Date(reading.measuredAt))),
    ),
    el('div', { class: 'values' }, readingValues(reading)),
    shown.length > 0
      ? el(
          'ul',
          { class: 'flags' },
          shown.map((f) => el('li', { class: `flag ${f.severity}`, 'data-code': f.code }, flagText(f))),
        )
      : undefined,
    el(
      'div',
      { class: `delivery ${reading.state}`, 'data-testid': 'delivery' },
      t.state[reading.state] ?? reading.state,
      reading.rejected ? `: ${reading.rejected.message}` : '',
    ),
  );
}

function renderDevices() {
  const devices = state.status?.devices ?? [];
  $('devices').replaceChildren(
    ...devices.map((d) => {
      const errors = Object.values(d.errors ?? {}).reduce((sum, n) => sum + n, 0);
      return el(
        'li',
        { class: `device ${d.state}`, 'data-testid': 'device', 'data-device': d.id, 'data-state': d.state },
        el('strong', {}, d.id),
        ' ',
        el('span', { class: 'device-state' }, t.device[d.state] ?? d.state),
        d.lastReadingAt
          ? el('span', { class: 'note' }, ` · ${t.lastReading(clock.format(new Date(d.lastReadingAt)))}`)
          : undefined,
        errors > 0 ? el('span', { class: 'note' }, ` · ${t.deviceErrors(errors)}`) : undefined,
      );
    }),
  );
}

// ---------------------------------------------------------------- patients

function message(text, kind = '') {
  const node = $('find-message');
  node.textContent = text;
  node.className = kind;
}

function errorText(result) {
  if (result.data.code === 'CLINIC_UNREACHABLE') return t.unreachable;
  if (result.data.code === 'NO_CLINIC_API') return t.noClinicApi;
  return result.data.message ?? `HTTP ${result.status}`;
}

function showPatients(cards) {
  if (isLocked()) return;
  for (const card of cards) state.patients.set(card.id, card);
  $('found').replaceChildren(...cards.map(patientItem));
}

function patientItem(card) {
  const group = `glucose-${card.id}`;
  return el(
    'li',
    { class: 'patient', 'data-testid': 'patient', 'data-patient': card.id },
    el('p', { class: 'patient-name' }, card.name),
    el('p', {}, [formatDate(card.birthDate), t.years(card.ageYears), t[card.sex]].join(' · ')),
    el(
      'fieldset',
      { class: 'row' },
      el('legend', {}, t.glucoseAsk),
      el('label', {}, el('input', { type: 'radio', name: group, value: 'fasting' }), ` ${t.fasting}`),
      el('label', {}, el('input', { type: 'radio', name: group, value: 'random' }), ` ${t.random}`),
    ),
    el(
      'button',
      {
        type: 'button',
        class: 'start',
        onclick: (event) => {
          const item = event.currentTarget.closest('li');
          const glucose = item.querySelector(`input[name="${group}"]:checked`)?.value;
          void startScreening(card, glucose);
        },
      },
      t.start,
    ),
  );
}

async function findPatients(query) {
  message(t.searching);
  $('found').replaceChildren();
  $('register-form').hidden = true;
  const result = await api('POST', '/patients/search', query);
  if (!result.ok) return message(errorText(result), 'error');
  const cards = result.data.data;
  if (cards.length === 0) {
    message(t.notFound);
    const form = /** @type {HTMLFormElement} */ ($('register-form'));
    form.hidden = false;
    form.elements.namedItem('nik').value = query.nik ?? '';
    if (query.name) form.elements.namedItem('name').value = query.name;
    if (query.birthDate) form.elements.namedItem('birthDate').value = query.birthDate;
    return;
  }
  message(cards.length > 1 ? t.foundMany(cards.length) : '');
  showPatients(cards);
}

async function registerPatient(form) {
  const data = new FormData(form);
  const body = {
    name: String(data.get('name') ?? '').trim(),
    birthDate: String(data.get('birthDate') ?? ''),
    sex: String(data.get('sex') ?? ''),
  };
  const nik = String(data.get('nik') ?? '').trim();
  if (nik) body.nik = nik;
  const result = await api('POST', '/patients', body);
  if (result.ok) {
    form.hidden = true;
    message(t.registered);
    return showPatients([result.data]);
  }
  if (result.data.code === 'PATIENT_EXISTS' && result.data.details?.patientId) {
    const existing = await api('GET', `/patients/${encodeURIComponent(result.data.details.patientId)}`);
    if (existing.ok) {
      form.hidden = true;
      message(t.exists);
      return showPatients([existing.data]);
    }
  }
  message(errorText(result), 'error');
}

/**
 * Who is doing the check. SATUSEHAT's Encounter names them, so where the clinic keeps a list the
 * worker must choose; a clinic without one falls back to its default practitioner.
 */
async function loadPractitioners() {
  // The agent may go away while it asks the clinic: the list shown stays, and the next
  // reconnection asks again.
  const result = await api('GET', '/practitioners').catch(() => undefined);
  if (!result) return;
  const list = result.ok ? result.data.practitioners : [];
  state.practitioners = new Map(list.map((p) => [p.id, p.name]));
  const select = /** @type {HTMLSelectElement} */ ($('practitioner'));
  const saved = localStorage.getItem(PRACTITIONER_KEY);
  select.replaceChildren(
    el('option', { value: '' }, t.choosePractitioner),
    ...list.map((p) => el('option', { value: p.id, selected: p.id === saved }, p.name)),
  );
  if (saved && !state.practitioners.has(saved) && result.ok) localStorage.removeItem(PRACTITIONER_KEY);
  $('practitioner-row').hidden = list.length === 0;
  $('practitioner-note').textContent = result.ok && result.data.stale ? t.practitionerStale : '';
}

function chosenPractitioner() {
  return /** @type {HTMLSelectElement} */ ($('practitioner')).value || undefined;
}

async function startScreening(card, glucoseContext) {
  const practitionerId = chosenPractitioner();
  if (state.practitioners.size > 0 && !practitionerId) return message(t.practitionerNeeded, 'error');
  const result = await api('PUT', '/session', {
    patientId: card.id,
    sex: card.sex,
    ageYears: card.ageYears,
    ...(glucoseContext ? { glucoseContext } : {}),
    ...(practitionerId ? { practitionerId } : {}),
  });
  if (!result.ok) {
    // Taken off the clinic's list since the page loaded it: show the list as it is now.
    if (String(result.data.code).startsWith('PRACTITIONER_')) await loadPractitioners();
    return message(errorText(result), 'error');
  }
  $('finish-message').textContent = '';
  showSummary(undefined);
  message('');
  $('found').replaceChildren();
  for (const id of ['nik', 'find-name', 'find-birth']) /** @type {HTMLInputElement} */ ($(id)).value = '';
  setSession(result.data);
}

/** Height and waist are measured with a stadiometer and a tape: the worker types them in. */
async function saveTyped(form) {
  const input = form.querySelector('input');
  const text = input.value.trim().replace(',', '.');
  const value = Number(text);
  const say = (line, kind = '') => {
    $('typed-message').textContent = line;
    $('typed-message').className = kind;
  };
  if (text === '' || !Number.isFinite(value)) return say(t.notANumber, 'error');
  const kind = form.getAttribute('data-kind');
  const field = kind === 'height' ? 'height' : 'waistCircumference';
  const result = await api('POST', '/readings/manual', { kind, [field]: { value, unit: 'cm' } });
  if (!result.ok) return say(result.data.message ?? `HTTP ${result.status}`, 'error');
  input.value = '';
  say(t.saved);
}

/** The clinic's verdict on the check just finished, for the worker to tell the patient. */
function showSummary(summary) {
  const box = $('summary');
  box.hidden = !summary;
  if (!summary) return box.replaceChildren();
  box.className = `summary ${summary.severity}`;
  box.replaceChildren(
    el('p', { class: 'verdict' }, t.verdict[summary.severity] ?? summary.severity),
    ...summary.computed.map((o) =>
      el(
        'p',
        { 'data-testid': 'computed' },
        `${t.value[o.name] ?? o.name}: ${valueText(o)}`,
        ...o.flags.map((f) => el('span', { class: `flag ${f.severity}` }, ` · ${flagText(f)}`)),
      ),
    ),
  );
}

async function finishScreening() {
  const button = /** @type {HTMLButtonElement} */ ($('finish'));
  button.disabled = true;
  const result = await api('DELETE', '/session');
  button.disabled = false;
  if (!result.ok && result.status !== 404) return message(errorText(result), 'error');
  const closed = result.data;
  $('finish-message').textContent = closed.finished
    ? t.finished
    : closed.onServer
      ? t.finishLater
      : t.finishLocal;
  showSummary(closed.summary);
  setSession(null);
}

async function setSession(session) {
  state.session = session;
  if (session && !state.patients.has(session.patientId)) {
    const found = await api('GET', `/patients/${encodeURIComponent(session.patientId)}`);
    if (found.ok) state.patients.set(found.data.id, found.data);
  }
  render();
}

// ---------------------------------------------------------------- live updates

async function loadReadings() {
  const result = await api('GET', '/readings?limit=200');
  if (!result.ok) return;
  state.readings.clear();
  for (const entry of result.data.data) state.readings.set(entry.reading.id, entry);
}

let stream;

function connect() {
  const events = new EventSource('/readings/stream');
  stream = events;
  events.addEventListener('open', async () => {
    state.agentDown = false;
    await Promise.all([loadReadings(), loadPractitioners()]);
    render();
  });
  // EventSource tries again by itself every few seconds; until then the page must not look fine.
  events.addEventListener('error', () => {
    // Closed for good: the agent answered 401, the session ended (it restarted, or the page idled).
    if (events.readyState === EventSource.CLOSED) return lockNow();
    state.agentDown = true;
    renderStatus();
  });
  events.addEventListener('status', (event) => {
    const data = JSON.parse(event.data);
    state.status = data.status;
    if ((state.session?.sessionId ?? null) !== (data.status.session?.sessionId ?? null)) {
      void setSession(data.status.session);
    } else render();
  });
  events.addEventListener('session', (event) => {
    void setSession(JSON.parse(event.data).session);
  });
  events.addEventListener('reading', (event) => {
    const data = JSON.parse(event.data);
    state.readings.set(data.reading.id, { state: data.state, reading: data.reading });
    state.remeasure.delete(data.reading.device.id);
    render();
  });
  events.addEventListener('received', (event) => {
    for (const id of JSON.parse(event.data).ids) {
      const entry = state.readings.get(id);
      if (entry) entry.state = 'received';
    }
    renderReadings();
  });
  events.addEventListener('rejected', (event) => {
    const data = JSON.parse(event.data);
    const entry = state.readings.get(data.id);
    if (entry) {
      entry.state = 'rejected';
      entry.rejected = { code: data.code, message: data.message };
    }
    renderReadings();
  });
  events.addEventListener('measurement-rejected', (event) => {
    const data = JSON.parse(event.data);
    state.remeasure.set(data.deviceId, data.message);
    renderStatus();
  });
}

/** Locking forgets every patient: out of the page's state and the DOM, not just hidden. */
function forget() {
  stream?.close();
  stream = undefined;
  Object.assign(state, { status: undefined, session: null, agentDown: false });
  for (const map of [state.patients, state.readings, state.remeasure]) map.clear();
  for (const id of ['found', 'readings', 'earlier-list', 'alerts', 'summary']) $(id).replaceChildren();
  for (const id of ['patient-name', 'patient-facts', 'session-note', 'no-readings']) $(id).textContent = '';
  for (const id of ['find-message', 'finish-message', 'typed-message']) $(id).textContent = '';
  for (const form of document.querySelectorAll('form')) /** @type {HTMLFormElement} */ (form).reset();
  for (const id of ['register-form', 'summary', 'in-session', 'earlier']) $(id).hidden = true;
  $('no-session').hidden = false;
}

// ---------------------------------------------------------------- start

document.documentElement.lang = lang;
for (const node of document.querySelectorAll('[data-text]')) {
  const text = t[node.getAttribute('data-text')];
  if (typeof text === 'string') node.textContent = text;
}
$('nik-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void findPatients({ nik: /** @type {HTMLInputElement} */ ($('nik')).value.trim() });
});
$('name-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void findPatients({
    name: /** @type {HTMLInputElement} */ ($('find-name')).value.trim(),
    birthDate: /** @type {HTMLInputElement} */ ($('find-birth')).value,
  });
});
$('register-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void registerPatient(event.currentTarget);
});
$('finish').addEventListener('click', () => void finishScreening());
$('practitioner').addEventListener('change', () => {
  const id = chosenPractitioner();
  if (id) localStorage.setItem(PRACTITIONER_KEY, id);
  else localStorage.removeItem(PRACTITIONER_KEY);
  message('');
});
for (const form of document.querySelectorAll('form.typed')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void saveTyped(event.currentTarget);
  });
}
startLock({ onUnlock: connect, onLock: forget });
