// The devices in the kiosk's configuration, as the health worker sees them: each one's state, and
// under a BLE gateway the devices behind it with whether their clocks were set.
import { el } from './dom.js';
import { clock, t } from './texts.js';

/** A device behind the gateway: which one (maker and model, else address) and its clock. */
function behindItem(b) {
  const name = [b.manufacturer, b.model].filter(Boolean).join(' ') || b.address;
  const clockText =
    b.clock?.state === 'set'
      ? t.clockSet(clock.format(new Date(b.clock.at)))
      : b.clock?.state === 'unsupported'
        ? t.clockUnsupported
        : b.clock?.state === 'failed'
          ? t.clockFailed
          : undefined;
  return el(
    'li',
    { 'data-testid': 'behind-device', 'data-address': b.address, 'data-clock': b.clock?.state ?? 'unknown' },
    name,
    clockText ? el('span', { class: 'note' }, ` · ${clockText}`) : undefined,
  );
}

/** One list item per configured device, from the agent's status. */
export function deviceItems(devices) {
  return devices.map((d) => {
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
      d.behind?.length ? el('ul', { class: 'behind' }, ...d.behind.map(behindItem)) : undefined,
    );
  });
}
