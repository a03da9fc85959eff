/**
 * The fleet page's script, served as is (no build step). It calls GET /fleet, page by page, with the page's own
 * cookies (`credentials: 'same-origin'`) and, when the page was opened with `#token=...`, that
 * token as a Bearer; the token is moved out of the address bar into this tab's session storage.
 * Text is set with `textContent` only: nothing from the API becomes markup.
 */
export const FLEET_JS = `'use strict';
(function () {
  var TEXT = {
    title: { id: 'Armada kiosk', en: 'Kiosk fleet' },
    refresh: { id: 'Muat ulang', en: 'Reload' },
    alerts: { id: 'Peringatan', en: 'Alerts' },
    noAlerts: { id: 'Tidak ada peringatan.', en: 'No alerts.' },
    updated: { id: 'Diperbarui ', en: 'Updated ' },
    loading: { id: 'Memuat…', en: 'Loading…' },
    critical: { id: 'Kritis', en: 'Critical' },
    warning: { id: 'Perhatian', en: 'Warning' },
    clinic: { id: 'Klinik ', en: 'Clinic ' },
    online: { id: 'daring', en: 'online' },
    offline: { id: 'luring', en: 'offline' },
    unknown: { id: 'belum terdengar', en: 'not heard yet' },
    kiosksOnline: { id: ' kiosk daring dari ', en: ' kiosks online of ' },
    satusehat: { id: 'Gagal dikirim ke SATUSEHAT: ', en: 'Not taken by SATUSEHAT: ' },
    none: { id: 'tidak ada', en: 'none' },
    referrals: { id: 'Rujukan belum ditindaklanjuti: ', en: 'Referrals not acknowledged: ' },
    colKiosk: { id: 'Kiosk', en: 'Kiosk' },
    colState: { id: 'Status', en: 'State' },
    colLastSeen: { id: 'Terakhir terdengar', en: 'Last heard' },
    colBacklog: { id: 'Antrean', en: 'Backlog' },
    colOldest: { id: 'Tertua belum dikonfirmasi', en: 'Oldest unconfirmed' },
    colSkew: { id: 'Selisih jam', en: 'Clock skew' },
    colDevices: { id: 'Alat', en: 'Devices' },
    colErrors: { id: 'Galat 24 jam', en: 'Errors, 24 h' },
    ago: { id: ' lalu', en: ' ago' },
    never: { id: 'belum pernah', en: 'never' },
    unauthorized: {
      id: 'Tidak dapat masuk: sesi atau token tidak ada, salah atau kedaluwarsa. Masuk lagi di /masuk?next=/ui/fleet, atau buka halaman ini dengan token API: /ui/fleet#token=TOKEN_ANDA',
      en: 'Not signed in: the session or token is missing, wrong or expired. Sign in again at /masuk?next=/ui/fleet, or open this page with an API token: /ui/fleet#token=YOUR_TOKEN',
    },
    forbidden: {
      id: 'Kredensial ini tidak boleh melihat armada (perlu cakupan kiosk.read).',
      en: 'These credentials may not see the fleet (kiosk.read is needed).',
    },
    failed: { id: 'Server klinik tidak menjawab: ', en: 'The clinic server did not answer: ' },
  };
  var lang = localStorage.getItem('kd-lang') === 'en' ? 'en' : 'id';
  var last = null;
  var problem = null;

  var hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token')) {
    sessionStorage.setItem('kd-token', hash.get('token'));
    history.replaceState(null, '', location.pathname + location.search);
  }

  function t(key) { return TEXT[key][lang]; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function span(seconds) {
    var s = Math.abs(seconds);
    if (s >= 172800) return Math.floor(s / 86400) + (lang === 'id' ? ' hari' : ' days');
    if (s >= 3600) return Math.floor(s / 3600) + (lang === 'id' ? ' jam ' : ' h ') + Math.floor((s % 3600) / 60) + (lang === 'id' ? ' menit' : ' min');
    if (s >= 60) return Math.floor(s / 60) + (lang === 'id' ? ' menit' : ' min');
    return Math.round(s) + (lang === 'id' ? ' detik' : ' s');
  }
  function sinceText(iso, at) {
    if (!iso) return t('never');
    return span((Date.parse(at) - Date.parse(iso)) / 1000) + t('ago');
  }

  function renderText() {
    document.documentElement.lang = lang;
    document.title = t('title') + ' · klinik-desa';
    document.querySelectorAll('[data-text]').forEach(function (e) { e.textContent = t(e.getAttribute('data-text')); });
    var other = document.getElementById('lang');
    other.textContent = lang === 'id' ? 'English' : 'Bahasa Indonesia';
    other.lang = lang === 'id' ? 'en' : 'id';
  }

  function renderAlert(a) {
    var li = el('li', { class: 'alert ' + a.severity, 'data-code': a.code, 'data-testid': 'alert' });
    var head = el('div');
    head.append(el('span', { class: 'severity' }, t(a.severity)));
    head.append(el('span', { class: 'where' }, a.clinicId + (a.kioskId ? ' / ' + a.kioskId : '') + (a.deviceId ? ' / ' + a.deviceId : '')));
    li.append(head);
    li.append(el('p', { class: 'message' }, a.message[lang]));
    li.append(el('p', { class: 'action' }, a.action[lang]));
    return li;
  }

  function kioskRow(k, at) {
    var tr = el('tr', { 'data-kiosk': k.kioskId });
    var name = k.name ? k.kioskId + ' (' + k.name + ')' : k.kioskId;
    tr.append(el('td', null, name));
    tr.append(el('td', { class: 'state-' + k.state }, t(k.state)));
    tr.append(el('td', null, sinceText(k.lastSeenAt, at)));
    tr.append(el('td', { class: 'num' }, k.outboxBacklog === null ? '–' : k.outboxBacklog));
    tr.append(el('td', null, k.oldestUnconfirmedAgeSeconds === null ? '–' : span(k.oldestUnconfirmedAgeSeconds)));
    tr.append(el('td', null, k.clockSkewSeconds === null ? '–' : (k.clockSkewSeconds < 0 ? '−' : '+') + span(k.clockSkewSeconds)));
    tr.append(el('td', null, k.devices.map(function (d) { return d.id + ': ' + d.state + (d.errors ? ' (' + d.errors + ')' : ''); }).join(', ') || '–'));
    tr.append(el('td', { class: 'num' }, k.last24h.decodeErrors + k.last24h.driverFailures + k.last24h.devicesLost));
    return tr;
  }

  function renderClinic(c, at) {
    var section = el('section', { class: 'clinic', 'data-clinic': c.clinicId, 'data-testid': 'clinic' });
    section.append(el('h2', null, t('clinic') + c.clinicId));
    section.append(el('p', null, c.kiosksOnline + t('kiosksOnline') + c.kiosks.length));
    var failed = c.satusehatFailures.map(function (f) { return f.reason + ' (' + f.count + ')'; }).join(', ');
    section.append(el('p', { 'data-testid': 'satusehat' }, t('satusehat') + (failed || t('none'))));
    section.append(el('p', { 'data-testid': 'referrals' }, t('referrals') + c.openReferrals.count));
    var table = el('table');
    var head = el('tr');
    ['colKiosk', 'colState', 'colLastSeen', 'colBacklog', 'colOldest', 'colSkew', 'colDevices', 'colErrors'].forEach(function (key) {
      head.append(el('th', { scope: 'col' }, t(key)));
    });
    var thead = el('thead');
    thead.append(head);
    table.append(thead);
    var body = el('tbody');
    c.kiosks.forEach(function (k) { body.append(kioskRow(k, at)); });
    table.append(body);
    var wrap = el('div', { class: 'table' });
    wrap.append(table);
    section.append(wrap);
    return section;
  }

  function render() {
    renderText();
    var box = document.getElementById('problem');
    box.hidden = !problem;
    box.textContent = problem ? (problem.key === 'failed' ? t('failed') + problem.detail : t(problem.key)) : '';
    var list = document.getElementById('alerts');
    var clinics = document.getElementById('clinics');
    list.replaceChildren();
    clinics.replaceChildren();
    if (!last) return;
    var alerts = [];
    last.clinics.forEach(function (c) { alerts = alerts.concat(c.alerts); });
    alerts.sort(function (a, b) { return (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1); });
    alerts.forEach(function (a) { list.append(renderAlert(a)); });
    document.getElementById('no-alerts').hidden = alerts.length > 0;
    last.clinics.forEach(function (c) { clinics.append(renderClinic(c, last.at)); });
    document.querySelector('[data-testid=updated]').textContent = t('updated') + new Date(last.at).toLocaleTimeString(lang === 'id' ? 'id-ID' : 'en-GB');
  }

  // The fleet comes a page of clinics at a time (each answer stays small however large the
  // district); the page follows nextCursor to the last and shows them together.
  function fetchPage(headers, cursor) {
    var url = '/fleet?limit=10' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    return fetch(url, { credentials: 'same-origin', headers: headers }).then(function (res) {
      if (res.status === 401) { problem = { key: 'unauthorized' }; return null; }
      if (res.status === 403) { problem = { key: 'forbidden' }; return null; }
      if (!res.ok) {
        return res.json().then(function (b) { problem = { key: 'failed', detail: res.status + ' ' + (b && b.message ? b.message : '') }; return null; },
          function () { problem = { key: 'failed', detail: String(res.status) }; return null; });
      }
      return res.json();
    });
  }

  function load() {
    var headers = { accept: 'application/json' };
    var token = sessionStorage.getItem('kd-token');
    if (token) headers.authorization = 'Bearer ' + token;
    var view = null;
    function next(cursor) {
      return fetchPage(headers, cursor).then(function (body) {
        if (!body) { view = null; return; }
        if (!view) view = { at: body.at, clinics: [] };
        view.clinics = view.clinics.concat(body.clinics);
        if (body.nextCursor) return next(body.nextCursor);
      });
    }
    return next(null)
      .then(function () { if (view) { problem = null; last = view; } })
      .catch(function (e) { problem = { key: 'failed', detail: e.message }; })
      .then(render);
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('lang').addEventListener('click', function () {
      lang = lang === 'id' ? 'en' : 'id';
      localStorage.setItem('kd-lang', lang);
      render();
    });
    document.getElementById('refresh').addEventListener('click', load);
    renderText();
    load();
    setInterval(load, 60000);
  });
})();
`;
