// The page lock. The page shows patients' names and health data (specific personal data under
// Indonesia's PDP law), so it starts locked, locks after the idle minutes the agent names, and on
// the "Kunci" button; it opens with the health worker's PIN. The agent keeps the session (an
// HttpOnly cookie no script reads) and answers nothing about patients without it.

import { lang, messageFor } from './texts.js';

const TEXT = {
  id: {
    title: 'Halaman terkunci',
    hint: 'Masukkan PIN petugas untuk membuka.',
    open: 'Buka',
    erase: 'Hapus',
    lock: 'Kunci',
    noAgent: 'Agen kiosk tidak menjawab. Coba lagi sebentar lagi.',
    digits: 'PIN yang sudah diketik',
  },
  en: {
    title: 'Page locked',
    hint: "Type the health worker's PIN to open.",
    open: 'Open',
    erase: 'Erase',
    lock: 'Lock',
    noAgent: 'The kiosk agent is not answering. Try again in a moment.',
    digits: 'PIN typed so far',
  },
}[lang];

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
let locked = true;
let pin = '';
let lockAfterMs = 180_000;
let idleTimer;
let lastAlive = 0;
let hooks = { onUnlock: () => {}, onLock: () => {} };

export const isLocked = () => locked;

/** Shows the lock at start and wires the keypad; `onUnlock` connects, `onLock` forgets. */
export function startLock(callbacks) {
  hooks = callbacks;
  $('lock-title').textContent = TEXT.title;
  $('lock-hint').textContent = TEXT.hint;
  $('lock-button').textContent = TEXT.lock;
  $('pin-dots').setAttribute('aria-label', TEXT.digits);
  for (const key of document.querySelectorAll('#pin-pad button')) {
    const value = key.getAttribute('data-key');
    if (value === 'erase') key.textContent = TEXT.erase;
    if (value === 'open') key.textContent = TEXT.open;
    key.addEventListener('click', () => press(value));
  }
  document.addEventListener('keydown', (event) => {
    if (!locked) return;
    if (/^[0-9]$/.test(event.key)) press(event.key);
    else if (event.key === 'Backspace') press('erase');
    else if (event.key === 'Enter') press('open');
    else return;
    event.preventDefault();
  });
  $('lock-button').addEventListener('click', () => lockNow());
  for (const type of ['pointerdown', 'keydown', 'touchstart', 'wheel']) {
    document.addEventListener(type, activity, { passive: true, capture: true });
  }
  // A session left by an earlier load of the page ends: the page always starts locked.
  void fetch('/page/lock', { method: 'POST' }).catch(() => undefined);
  show();
}

/** Locks now: the agent ends the session, the page forgets every patient. */
export function lockNow() {
  if (locked) return;
  locked = true;
  clearTimeout(idleTimer);
  void fetch('/page/lock', { method: 'POST' }).catch(() => undefined);
  hooks.onLock();
  show();
}

function show() {
  pin = '';
  dots();
  $('lock').hidden = !locked;
  $('lock-button').hidden = locked;
  for (const id of ['page-header', 'page-main']) $(id).inert = locked;
  if (locked) $('lock').focus();
}

function dots() {
  $('pin-dots').textContent = '●'.repeat(pin.length) || '\u00a0';
}

function say(text) {
  $('lock-message').textContent = text;
}

function press(key) {
  if (key === 'erase') pin = pin.slice(0, -1);
  else if (key === 'open') return void unlock();
  else if (pin.length < 8) pin += key;
  say('');
  dots();
}

async function unlock() {
  const typed = pin;
  pin = '';
  dots();
  const response = await fetch('/page/unlock', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pin: typed }),
  }).catch(() => undefined);
  if (!response) return say(TEXT.noAgent);
  const data = await response.json().catch(() => ({}));
  // A wrong PIN, a pause after too many, no PIN set: said by the code, from the message table.
  if (!response.ok) {
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return say(messageFor({ status: `HTTP ${response.status}`, ...data, retryAfter }));
  }
  say('');
  lockAfterMs = data.lockAfterSeconds * 1000;
  locked = false;
  lastAlive = Date.now();
  show();
  activity();
  hooks.onUnlock();
}

/**
 * The worker is using the page: the idle time starts again, here and (at most every third of it)
 * at the agent, whose own clock ends the session otherwise.
 */
function activity() {
  if (locked) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(lockNow, lockAfterMs);
  if (Date.now() - lastAlive < Math.min(60_000, lockAfterMs / 3)) return;
  lastAlive = Date.now();
  void fetch('/page/alive', { method: 'POST' })
    .then((r) => (r.status === 401 ? lockNow() : undefined))
    .catch(() => undefined);
}
