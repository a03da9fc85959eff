// One reading as the health worker sees it: its values, flags in the page's language and where
// it is on its way to the clinic. Pure rendering: no state, no requests.
import { el } from './dom.js';
import { clock, lang, messageFor, PAGE_FORMATS, t } from './texts.js';

export function worstSeverity(reading) {
  const order = ['normal', 'attention', 'refer', 'urgent'];
  return reading.flags.reduce(
    (worst, f) => (order.indexOf(f.severity) > order.indexOf(worst) ? f.severity : worst),
    'normal',
  );
}

export function flagText(flag, language = lang) {
  return flag.message?.[language] ?? flag.code;
}

/** One value with its unit, written the way `formats` (the page's language by default) writes. */
export function valueText(v, formats = PAGE_FORMATS) {
  if (v.value === null) return '–';
  const amount = `${formats.numbers.format(v.value)} ${formats.units[v.unit] ?? v.unit}`;
  // A device's limit, as the device itself shows it: "HI (> 600 mg/dL)", never a bare 600.
  if (v.comparator) return `${v.comparator === '>' ? 'HI' : 'LO'} (${v.comparator} ${amount})`;
  return amount;
}

/** A reading's values, blood pressure as systolic/diastolic, each in a span of its own. */
export function readingValues(reading, formats = PAGE_FORMATS) {
  const number = (v) => (v.value === null ? '–' : formats.numbers.format(v.value));
  const byName = new Map(reading.values.map((v) => [v.name, v]));
  const sys = byName.get('systolic');
  const dia = byName.get('diastolic');
  const parts = [];
  if (sys && dia) {
    parts.push(el('span', { class: 'value' }, `${number(sys)}/${number(dia)} mmHg`));
    byName.delete('systolic');
    byName.delete('diastolic');
  }
  const rest = [...byName.values()];
  for (const v of rest) {
    const label = rest.length === 1 && !(sys && dia) ? undefined : (formats.t.value[v.name] ?? v.name);
    const text = valueText(v, formats);
    parts.push(el('span', { class: 'value' }, label ? `${label} ${text}` : text));
  }
  return parts;
}

/** Flags the worker has something to do about: "the device sent no time" is kept, not shown. */
export function shownFlags(reading) {
  return reading.flags.filter((f) => !(f.severity === 'normal' && f.code.startsWith('time.')));
}

export function readingItem(reading) {
  const severity = worstSeverity(reading);
  // "The device sent no time" rides on nearly every scale reading: the record keeps it, the worker
  // has nothing to do about it.
  const shown = shownFlags(reading);
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
      reading.rejected ? `: ${messageFor(reading.rejected)}` : '',
    ),
  );
}
