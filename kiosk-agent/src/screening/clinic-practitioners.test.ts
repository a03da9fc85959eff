import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { clinicClient } from './clinic-client.js';
import { ClinicPractitioners } from './clinic-practitioners.js';
import { unreachableClinic } from './test-configs.js';

const log = pino({ level: 'silent' });

// The list kept from an earlier answer is covered end to end (packages/e2e, kiosk-page.test.ts),
// against a real clinic server that is then stopped.
describe('ClinicPractitioners', () => {
  it('says the clinic cannot be reached when it has never answered, rather than offering nobody', async () => {
    const practitioners = new ClinicPractitioners(clinicClient(unreachableClinic), 'clinic-1', log);
    await expect(practitioners.list()).rejects.toMatchObject({ status: 503, code: 'CLINIC_UNREACHABLE' });
  });

  it('says so when the kiosk has no clinic API at all', async () => {
    const practitioners = new ClinicPractitioners(undefined, 'clinic-1', log);
    await expect(practitioners.list()).rejects.toMatchObject({ status: 503, code: 'NO_CLINIC_API' });
  });
});
