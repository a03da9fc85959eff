// Kiosk configs the screening tests share: no agent code imports it, and the package leaves it out.
import { parseConfig } from '../config/config.js';

export const kioskBase = {
  kiosk: { id: 'kiosk-1', clinicId: 'clinic-1' },
  mqtt: { url: 'mqtt://127.0.0.1:1883' },
  outbox: { path: ':memory:' },
  devices: [{ id: 'scale-1', protocol: 'ad-scale', port: '/dev/null' }],
};

/** A kiosk whose clinic API is port 9 on loopback: nothing listens, the connection is refused at once. */
export const unreachableClinic = parseConfig({
  ...kioskBase,
  clinicApi: { baseUrl: 'http://127.0.0.1:9', clientId: 'k', clientSecret: 's' },
});
