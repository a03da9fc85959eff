// The kiosk page: what the health worker sees beside the devices. It talks only to the kiosk
// agent's local API on this machine (the agent asks the clinic); everything on it is built with
// textContent, never HTML strings, since names come from the clinic's records.

import { deviceItems } from './device-list.js';
import { diskAlerts } from './disk-banner.js';
import { $, el } from './dom.js';
import { clearLive, forgetLive, liveLines, setLive } from './live.js';
import { isLocked, lockNow, startLock } from './lock.js';
import { flagText, readingItem, readingValues, valueText } from './reading-item.js';
import { showTakeHome, wireTakeHome } from './take-home.js';
import { dates, lang, messageFor, numbers, t } from './texts.js';

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  // A 429's wait, for the words "try again in {seconds} seconds".
  if (!response.ok && response.headers.has('retry-after'))
    data.retryAfter = response.headers.get('retry-after');
  // The agent ended the page session (idle, or restarted): lock, as the page's own timer would.
  if (response.status === 401 && data.code === 'PAGE_LOCKED') lockNow();
  return { ok: response.ok, status: response.status, data };
}

// ---------------------------------------------------------------- state

const state = {
  status: undefined,
  /** The open screening, or null. */
  screening: null,
  /** The patient shown for the open screening, by patient id. */
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
  renderScreening();
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
  alerts.push(...diskAlerts(status));
  if (status.outboxDetail?.rejected > 0) {
    alerts.push(el('p', { class: 'alert' }, t.rejectedCount(status.outboxDetail.rejected)));
  }
  alerts.push(...liveLines());
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
  for (const reading of screeningReadings()) {
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

function renderScreening() {
  const screening = state.screening;
  $('no-session').hidden = Boolean(screening);
  $('in-session').hidden = !screening;
  if (!screening) return;
  const card = state.patients.get(screening.patientId);
  $('patient-name').textContent = patientLabel(screening.patientId);
  $('patient-facts').textContent = card
    ? [
        formatDate(card.birthDate),
        t.years(card.ageYears),
        t[card.sex],
        screening.glucoseContext ? `${t.glucoseAsk} ${t[screening.glucoseContext]}` : undefined,
        screening.practitionerId && state.practitioners.has(screening.practitionerId)
          ? t.by(state.practitioners.get(screening.practitionerId))
          : undefined,
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
  $('session-note').textContent = screening.onServer
    ? t.onServer
    : screening.openQueued
      ? t.openQueued
      : t.localOnly;
}

function formatDate(isoDate) {
  const [y, m, d] = isoDate.split('-').map(Number);
  return dates.format(Date.UTC(y, m - 1, d));
}

/** Readings of the open screening, or the unassigned ones while none is open; newest first. */
function screeningReadings() {
  const screening = state.screening;
  return newestFirst()
    .filter((r) => (screening ? ofScreening(r, screening) : unassigned(r)))
    .slice(0, screening ? 30 : 10)
    .map((r) => ({ ...r.reading, state: r.state, rejected: r.rejected }));
}

function newestFirst() {
  return [...state.readings.values()].sort((a, b) => (a.reading.receivedAt < b.reading.receivedAt ? 1 : -1));
}

const ofScreening = (r, screening) =>
  r.reading.sessionId === screening.sessionId || (screening.assigned ?? []).includes(r.reading.id);
const unassigned = (r) =>
  r.reading.sessionId === undefined && !(state.screening?.assigned ?? []).includes(r.reading.id);

/**
 * Results taken in the last 15 minutes before the check was opened (the worker weighed first):
 * offered for this patient, once the clinic has them.
 */
function renderEarlier() {
  const screening = state.screening;
  const since = Date.now() - 15 * 60_000;
  const earlier = screening
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
  await setScreening(result.data);
}

function renderReadings() {
  const screening = state.screening;
  $('readings-title').textContent = screening
    ? t.readingsOf(patientLabel(screening.patientId))
    : t.readingsUnassigned;
  const readings = screeningReadings();
  $('no-readings').textContent = readings.length === 0 ? t.noReadings : '';
  $('readings').replaceChildren(...readings.map(readingItem));
  renderEarlier();
}

function renderDevices() {
  $('devices').replaceChildren(...deviceItems(state.status?.devices ?? []));
}

// ---------------------------------------------------------------- patients

function message(text, kind = '') {
  const node = $('find-message');
  node.textContent = text;
  node.className = kind;
}

/** A refusal in the page's language, by its code: never the English sentence that came with it. */
function errorText(result) {
  return messageFor({ status: `HTTP ${result.status}`, ...result.data });
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
  showTakeHome(undefined);
  message('');
  $('found').replaceChildren();
  for (const id of ['nik', 'find-name', 'find-birth']) /** @type {HTMLInputElement} */ ($(id)).value = '';
  setScreening(result.data);
}

/**
 * Height and waist are measured with a stadiometer and a tape, and a strip meter without a cable
 * shows cholesterol, uric acid or haemoglobin on its screen: the worker types them in. A meter's
 * HI or LO is typed as its limit with `>` or `<` (">400"), and kept as that limit, never a number.
 */
async function saveTyped(form) {
  const input = form.querySelector('input');
  const typed = /^([<>])?\s*(.*)$/.exec(input.value.trim().replace(',', '.'));
  const comparator = form.hasAttribute('data-limits') ? typed?.[1] : undefined;
  const text = comparator || !typed?.[1] ? (typed?.[2] ?? '') : '';
  const value = Number(text);
  const say = (line, kind = '') => {
    $('typed-message').textContent = line;
    $('typed-message').className = kind;
  };
  if (text === '' || !Number.isFinite(value)) return say(t.notANumber, 'error');
  const kind = form.getAttribute('data-kind');
  const field = form.getAttribute('data-field');
  const unit = form.getAttribute('data-unit');
  const measured = { value, unit, ...(comparator ? { comparator } : {}) };
  const result = await api('POST', '/readings/manual', { kind, [field]: measured });
  if (!result.ok) return say(errorText(result), 'error');
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
  // What the patient takes home is what the page showed for the check: kept before it closes.
  const screening = state.screening;
  const readings = screeningReadings();
  button.disabled = true;
  const result = await api('DELETE', '/session');
  button.disabled = false;
  if (!result.ok && result.status !== 404) return message(errorText(result), 'error');
  const closed = result.data;
  $('finish-message').textContent = closed.finished
    ? t.finished
    : closed.onServer || closed.openQueued
      ? t.finishLater
      : t.finishLocal;
  showSummary(closed.summary);
  const card = screening && state.patients.get(screening.patientId);
  showTakeHome(
    card && state.status
      ? {
          clinicId: state.status.clinicId,
          kioskId: state.status.kioskId,
          patient: card,
          practitioner: state.practitioners.get(screening.practitionerId ?? ''),
          closedAt: new Date(),
          readings,
          clinicSummary: closed.summary,
        }
      : undefined,
  );
  setScreening(null);
}

async function setScreening(screening) {
  state.screening = screening;
  if (screening && !state.patients.has(screening.patientId)) {
    const found = await api('GET', `/patients/${encodeURIComponent(screening.patientId)}`);
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
    if ((state.screening?.sessionId ?? null) !== (data.status.session?.sessionId ?? null)) {
      void setScreening(data.status.session);
    } else render();
  });
  events.addEventListener('session', (event) => {
    void setScreening(JSON.parse(event.data).session);
  });
  events.addEventListener('reading', (event) => {
    const data = JSON.parse(event.data);
    state.readings.set(data.reading.id, { state: data.state, reading: data.reading });
    state.remeasure.delete(data.reading.device.id);
    clearLive(data.reading.device);
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
      entry.rejected = { code: data.code };
    }
    renderReadings();
  });
  events.addEventListener('live', (event) => {
    setLive(JSON.parse(event.data));
    renderStatus();
  });
  events.addEventListener('measurement-rejected', (event) => {
    const data = JSON.parse(event.data);
    state.remeasure.set(data.deviceId, messageFor(data));
    renderStatus();
  });
}

/** Locking forgets every patient: out of the page's state and the DOM, not just hidden. */
function forget() {
  stream?.close();
  stream = undefined;
  Object.assign(state, { status: undefined, screening: null, agentDown: false });
  for (const map of [state.patients, state.readings, state.remeasure]) map.clear();
  forgetLive();
  for (const id of ['found', 'readings', 'earlier-list', 'alerts', 'summary', 'take-home-sheet'])
    $(id).replaceChildren();
  for (const id of ['patient-name', 'patient-facts', 'session-note', 'no-readings']) $(id).textContent = '';
  for (const id of ['find-message', 'finish-message', 'typed-message']) $(id).textContent = '';
  for (const form of document.querySelectorAll('form')) /** @type {HTMLFormElement} */ (form).reset();
  for (const id of ['register-form', 'summary', 'take-home', 'in-session', 'earlier']) $(id).hidden = true;
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
wireTakeHome();
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
