import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { clinicClient } from './clinic-client.js';
import { ClinicPractitioners } from './clinic-practitioners.js';

const log = pino({ level: 'silent' });
const config = parseConfig({
  kiosk: { id: 'kiosk-1', clinicId: 'clinic-1' },
  mqtt: { url: 'mqtt://127.0.0.1:1883' },
  outbox: { path: ':memory:' },
  devices: [{ id: 'scale-1', protocol: 'ad-scale', port: '/dev/null' }],
  // Port 9 on loopback: nothing listens, the connection is refused at once.
  clinicApi: { baseUrl: 'http://127.0.0.1:9', clientId: 'k', clientSecret: 's' },
});

// The list kept from an earlier answer is covered end to end (packages/e2e, kiosk-page.test.ts),
// against a real clinic server that is then stopped.
describe('ClinicPractitioners', () => {
  it('says the clinic cannot be reached when it has never answered, rather than offering nobody', async () => {
    const practitioners = new ClinicPractitioners(clinicClient(config), 'clinic-1', log);
    await expect(practitioners.list()).rejects.toMatchObject({ status: 503, code: 'CLINIC_UNREACHABLE' });
  });

  it('says so when the kiosk has no clinic API at all', async () => {
    const practitioners = new ClinicPractitioners(undefined, 'clinic-1', log);
    await expect(practitioners.list()).rejects.toMatchObject({ status: 503, code: 'NO_CLINIC_API' });
  });
});
