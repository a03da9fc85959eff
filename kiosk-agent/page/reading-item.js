// One reading as the health worker sees it: its values, flags in the page's language and where
// it is on its way to the clinic. Pure rendering: no state, no requests.
import { el } from './dom.js';
import { clock, lang, numbers, t, UNIT } from './texts.js';

export function worstSeverity(reading) {
  const order = ['normal', 'attention', 'refer', 'urgent'];
  return reading.flags.reduce(
    (worst, f) => (order.indexOf(f.severity) > order.indexOf(worst) ? f.severity : worst),
    'normal',
  );
}

export function flagText(flag) {
  return flag.message?.[lang] ?? flag.code;
}

export function valueText(v) {
  if (v.value === null) return '–';
  const amount = `${numbers.format(v.value)} ${UNIT[v.unit] ?? v.unit}`;
  // A device's limit, as the device itself shows it: "HI (> 600 mg/dL)", never a bare 600.
  if (v.comparator) return `${v.comparator === '>' ? 'HI' : 'LO'} (${v.comparator} ${amount})`;
  return amount;
}

export function readingValues(reading) {
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

export function readingItem(reading) {
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
