import type { RequestOptions } from '../core/request.js';
import type { FleetOverview, FleetParams } from '../core/types.js';
import { APIResource } from './resource.js';

export class Fleet extends APIResource {
  /**
   * A page of the caller's clinics (`limit`, default 10; `nextCursor` for the next), or `clinicId`
   * alone: every kiosk of them with when it was last
   * heard, its outbox backlog and oldest unconfirmed reading, devices, clock skew and recent
   * errors; per clinic the SATUSEHAT sends given up by reason and the referrals still open; and
   * alerts with what to do, in Bahasa Indonesia and English. Needs `kiosk.read` (not a kiosk's
   * credentials: `PermissionDeniedError` `FORBIDDEN`); another clinic named is `FORBIDDEN` too.
   * `summary: true`: each clinic's counts (kiosks by state, backlog, alerts by code) and its own
   * alerts, without its kiosks.
   */
  async overview(params: FleetParams = {}, options?: RequestOptions): Promise<FleetOverview> {
    return this._client.request(
      { method: 'GET', route: '/fleet', path: '/fleet', query: { ...params }, schema: 'FleetOverview' },
      options,
    );
  }
}
