// The summary a patient takes home after the check: printed (A4) or shown on the screen, always in
// Bahasa Indonesia whatever language the page is in. It names the patient by name, age and sex
// only: the NIK is not in it, and the page never holds it to put there. No requests: the page
// hands it what it already has when the check is closed.
import { $, el } from './dom.js';
import { flagText, readingValues, shownFlags, worstSeverity } from './reading-item.js';
import { formatsFor, TAKE_HOME } from './texts.js';

const ID = formatsFor('id');

/**
 * @typedef {object} TakeHome
 * @property {string} clinicId
 * @property {string} kioskId
 * @property {{ name: string, ageYears: number, sex: 'male' | 'female' }} patient
 * @property {string | undefined} practitioner the health worker's name, when the clinic keeps a list
 * @property {Date} closedAt
 * @property {object[]} readings the screening's readings as the page holds them
 * @property {{ severity: string, computed: object[] } | undefined} clinicSummary what the clinic made of it
 */

/**
 * The results to print: what was measured, in the order it was, then what the clinic computed from
 * it (BMI, the visit's mean blood pressure) once it has finished the check. A check closed while
 * the clinic could not be reached has the measured results only.
 */
export function takeHomeResults(readings, clinicSummary) {
  const measured = readings.filter((r) => !r.derivedFrom);
  const computed = (clinicSummary?.computed ?? []).map((c) => ({
    kind: c.kind,
    values: [{ name: c.name, value: c.value, unit: c.unit }],
    flags: c.flags,
    derivedFrom: true,
  }));
  const byTime = (a, b) => (a.measuredAt < b.measuredAt ? -1 : 1);
  return [...measured.sort(byTime), ...computed];
}

/** The printable sheet for one finished check. */
export function takeHomeSheet(/** @type {TakeHome} */ input) {
  const results = takeHomeResults(input.readings, input.clinicSummary);
  const severity = input.clinicSummary?.severity ?? worstOf(results);
  const fact = (term, value) => [el('dt', {}, term), el('dd', {}, value)];
  return el(
    'article',
    { class: 'take-home-sheet', 'data-testid': 'take-home-sheet', 'aria-labelledby': 'take-home-title' },
    el('h2', { id: 'take-home-title' }, TAKE_HOME.title),
    el(
      'p',
      { class: 'take-home-origin' },
      `${TAKE_HOME.programme} · ${TAKE_HOME.clinic} ${input.clinicId} · ${TAKE_HOME.kiosk} ${input.kioskId}`,
    ),
    el(
      'dl',
      { class: 'take-home-facts' },
      fact(TAKE_HOME.name, input.patient.name),
      fact(TAKE_HOME.age, ID.t.years(input.patient.ageYears)),
      fact(TAKE_HOME.sex, ID.t[input.patient.sex]),
      fact(TAKE_HOME.when, ID.moment.format(input.closedAt)),
      input.practitioner ? fact(TAKE_HOME.practitioner, input.practitioner) : [],
    ),
    el(
      'p',
      { class: `take-home-conclusion ${severity}`, 'data-testid': 'take-home-conclusion' },
      ID.t.verdict[severity] ?? severity,
    ),
    el('h3', {}, TAKE_HOME.results),
    el('ol', { class: 'take-home-results' }, results.map(resultItem)),
    el('p', { class: 'take-home-disclaimer' }, TAKE_HOME.notDiagnosis),
  );
}

function resultItem(reading) {
  const flags = shownFlags(reading);
  const severity = worstSeverity({ flags });
  return el(
    'li',
    { class: `take-home-result ${severity}`, 'data-testid': 'take-home-result', 'data-kind': reading.kind },
    el(
      'p',
      { class: 'take-home-result-head' },
      el('strong', {}, ID.t.kind[reading.kind] ?? reading.kind),
      reading.derivedFrom ? ` (${TAKE_HOME.computed})` : '',
      ': ',
      ...readingValues(reading, ID),
      // A height has no threshold of its own: no word rather than a "Normal" nobody judged.
      flags.length > 0 ? ' · ' : '',
      flags.length > 0
        ? el(
            'span',
            { class: 'take-home-flag', 'data-testid': 'take-home-flag' },
            TAKE_HOME.severity[severity],
          )
        : undefined,
    ),
    flags.length > 0
      ? el(
          'ul',
          { class: 'take-home-advice' },
          flags.map((f) => el('li', { 'data-code': f.code }, flagText(f, 'id'))),
        )
      : undefined,
  );
}

function worstOf(results) {
  return worstSeverity({ flags: results.flatMap((r) => shownFlags(r)) });
}

/** Shows the sheet of the check just closed (under the "Cetak ringkasan" button), or takes it away. */
export function showTakeHome(/** @type {TakeHome | undefined} */ input) {
  const box = $('take-home');
  const show = input !== undefined && takeHomeResults(input.readings, input.clinicSummary).length > 0;
  box.hidden = !show;
  $('take-home-sheet').replaceChildren(...(show ? [takeHomeSheet(input)] : []));
}

/** The print button prints the page, which the print stylesheet reduces to the sheet. */
export function wireTakeHome() {
  $('print-summary').addEventListener('click', () => window.print());
}
