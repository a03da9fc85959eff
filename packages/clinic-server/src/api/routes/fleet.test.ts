import { ApiError, FleetOverview, KioskCredentials } from '@klinik-desa/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlClinicStore } from '../../store/sql-store.js';
import { expectApiError as expectError, routeTestApi } from '../../testing/api-app.js';
import { signedInClient, signIn } from '../../testing/api-sign-in.js';
import type { ApiApp } from '../app.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
let store: SqlClinicStore;
let app: ApiApp;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ store, app, close } = await routeTestApi({ now: () => NOW }));
});

afterEach(async () => {
  await close();
});

const get = (bearer: string | undefined, url: string) =>
  app.inject({ method: 'GET', url, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

describe('GET /fleet', () => {
  it("answers the caller's clinics with their kiosks and alerts, and refuses kiosks and other clinics", async () => {
    const national = await signedInClient(app, store, 'admin', 'admin.all', '*');
    const register = async (clinicId: string, kioskId: string) => {
      const r = await app.inject({
        method: 'POST',
        url: '/kiosks',
        headers: { authorization: `Bearer ${national}` },
        payload: { clinicId, kioskId },
      });
      return KioskCredentials.parse(r.json());
    };
    const own = await register('clinic-1', 'kiosk-1');
    await register('clinic-2', 'kiosk-9');
    await store.recordKioskStatus(
      { state: 'online', clinicId: 'clinic-1', kioskId: 'kiosk-1', at: '2026-12-07T10:00:00.000Z' },
      '2026-12-07T10:00:00.000Z',
    );

    const admin1 = await signedInClient(app, store, 'admin', 'admin.one', ['clinic-1']);
    const r = await get(admin1, '/fleet');
    expect(r.statusCode).toBe(200);
    const view = FleetOverview.parse(r.json());
    expect(view.at).toBe(NOW.toISOString());
    expect(view.clinics.map((c) => [c.clinicId, c.kiosks.map((k) => k.kioskId)])).toEqual([
      ['clinic-1', ['kiosk-1']],
    ]);
    expect(view.clinics[0]!.alerts.map((a) => [a.code, a.kioskId])).toEqual([['KIOSK_SILENT', 'kiosk-1']]);
    expect(view.clinics[0]!.alerts[0]!.message.id).toBe('Kiosk tidak terdengar selama 2 jam.');

    const all = FleetOverview.parse((await get(national, '/fleet?clinicId=clinic-2')).json());
    expect(all.clinics.map((c) => c.clinicId)).toEqual(['clinic-2']);

    expectError(await get(admin1, '/fleet?clinicId=clinic-2'), 403, 'FORBIDDEN');
    const kiosk = await signIn(app, own.clientId, own.clientSecret);
    const refused = await get(kiosk, '/fleet');
    expectError(refused, 403, 'FORBIDDEN');
    expect(ApiError.parse(refused.json()).message).toMatch(/kiosk credentials cannot read the fleet view/);
    const partner = await signedInClient(app, store, 'partner', 'partner.one', ['clinic-1']);
    expectError(await get(partner, '/fleet'), 403, 'FORBIDDEN');
    expectError(await get(undefined, '/fleet'), 401, 'UNAUTHENTICATED');
  });

  it('serves the page, its script and its style under a CSP that allows only its own files', async () => {
    for (const [path, type] of [
      ['/ui/fleet', 'text/html'],
      ['/ui/fleet.js', 'text/javascript'],
      ['/ui/fleet.css', 'text/css'],
    ] as const) {
      const r = await get(undefined, path);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain(type);
      expect(r.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    }
    const html = (await get(undefined, '/ui/fleet')).body;
    // No inline script or style: the CSP would block it.
    expect(html).not.toMatch(/<script>|<style|style="/);
    expect(html).toContain('<html lang="id">');
  });
});
