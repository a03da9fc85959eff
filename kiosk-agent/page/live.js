// Values on their way to a reading, shown as they come: a cuff's pressure while it inflates, an
// oximeter's value while it settles. The agent never keeps them; the page drops them once the
// device's reading arrives.

import { el } from './dom.js';
import { numbers, t, UNIT } from './texts.js';

const live = new Map();
const keyOf = (deviceId, address) => `${deviceId}/${address ?? ''}`;

export function setLive(data) {
  live.set(keyOf(data.deviceId, data.deviceAddress), data);
}

/** The reading of this device (or of this device behind a gateway) arrived: its live value is done. */
export function clearLive(device) {
  live.delete(keyOf(device.id, device.address));
}

export function forgetLive() {
  live.clear();
}

function valuesText(values) {
  return values
    .map(({ name, value, unit }) => {
      const number = value === null ? '–' : numbers.format(value);
      return `${t.liveName[name] ?? name} ${number} ${UNIT[unit] ?? unit}`;
    })
    .join(', ');
}

export function liveLines() {
  return [...live.values()].map((data) =>
    el(
      'p',
      { class: 'live', 'data-testid': 'live' },
      t.live(data.deviceAddress ?? data.deviceId, valuesText(data.values)),
    ),
  );
}
