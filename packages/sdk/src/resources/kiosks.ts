import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type { Kiosk, KioskCreateParams, KioskCredentials, KioskListParams } from '../core/types.js';
import { APIResource, segment } from './resource.js';

export class Kiosks extends APIResource {
  /** Registers a kiosk; its secret is in this answer only. Needs `kiosk.admin`. */
  async create(params: KioskCreateParams, options?: RequestOptions): Promise<KioskCredentials> {
    return this._client.request(
      {
        method: 'POST',
        route: '/kiosks',
        path: '/kiosks',
        body: params,
        schema: 'KioskCredentials',
        idempotent: true,
      },
      options,
    );
  }

  /** Registered kiosks with their last status. */
  list(params: KioskListParams = {}, options?: RequestOptions): PagedList<Kiosk> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      { method: 'GET', route: '/kiosks', path: '/kiosks', query, schema: 'KioskPage' },
      { limit, cursor },
      options,
    );
  }

  async retrieve(clinicId: string, kioskId: string, options?: RequestOptions): Promise<Kiosk> {
    return this._client.request(
      {
        method: 'GET',
        route: '/kiosks/{clinicId}/{kioskId}',
        path: `/kiosks/${segment('clinicId', clinicId)}/${segment('kioskId', kioskId)}`,
        schema: 'Kiosk',
      },
      options,
    );
  }

  /** New credentials for a kiosk; the old secret stops working for the API at once. */
  async rotateCredentials(
    clinicId: string,
    kioskId: string,
    options?: RequestOptions,
  ): Promise<KioskCredentials> {
    return this._client.request(
      {
        method: 'POST',
        route: '/kiosks/{clinicId}/{kioskId}/rotate',
        path: `/kiosks/${segment('clinicId', clinicId)}/${segment('kioskId', kioskId)}/rotate`,
        schema: 'KioskCredentials',
        idempotent: true,
      },
      options,
    );
  }
}
