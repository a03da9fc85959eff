// The banner of a kiosk whose disk is getting full or is full: the worker must know that results
// are held back, and whom to call, before the next patient is measured.

import { el } from './dom.js';
import { numbers, t } from './texts.js';

const MB = 1024 * 1024;

/** The alerts for the status's `disk`: none while it is fine, or for an agent without a disk. */
export function diskAlerts(status) {
  const disk = status.disk;
  if (!disk) return [];
  const alerts = [];
  if (disk.state === 'full') {
    alerts.push(
      el('p', { class: 'alert loud', 'data-testid': 'disk-full' }, t.diskFull(numbers.format(disk.held))),
    );
  } else if (disk.state === 'low') {
    const free = numbers.format(Math.round((disk.freeBytes / MB) * 10) / 10);
    alerts.push(el('p', { class: 'alert', 'data-testid': 'disk-low' }, t.diskLow(free)));
  }
  if (disk.dropped > 0) {
    alerts.push(
      el(
        'p',
        { class: 'alert loud', 'data-testid': 'disk-dropped' },
        t.diskDropped(numbers.format(disk.dropped)),
      ),
    );
  }
  return alerts;
}
