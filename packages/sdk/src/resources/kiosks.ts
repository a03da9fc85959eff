import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type {
  Kiosk,
  KioskCreateParams,
  KioskCredentials,
  KioskEventListParams,
  KioskEventRecord,
  KioskListParams,
  KioskPresence,
} from '../core/types.js';
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

  /**
   * Whether the kiosk is online (`online`, `offline`, or `unknown` until the clinic hears from it),
   * since when, when it was last heard, and its last status with its devices. Needs `kiosk.read`;
   * a kiosk not of the caller's clinics is a `NotFoundError` `NOT_FOUND`.
   */
  async status(clinicId: string, kioskId: string, options?: RequestOptions): Promise<KioskPresence> {
    return this._client.request(
      {
        method: 'GET',
        route: '/kiosks/{clinicId}/{kioskId}/status',
        path: `/kiosks/${segment('clinicId', clinicId)}/${segment('kioskId', kioskId)}/status`,
        schema: 'KioskPresence',
      },
      options,
    );
  }

  /**
   * The kiosk's events, newest first: devices attached and lost, decode errors, outbox warnings,
   * starts and stops; by `type` and `since`. Needs `kiosk.read`; a kiosk not of the caller's
   * clinics is a `NotFoundError` `NOT_FOUND`.
   */
  events(
    clinicId: string,
    kioskId: string,
    params: KioskEventListParams = {},
    options?: RequestOptions,
  ): PagedList<KioskEventRecord> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      {
        method: 'GET',
        route: '/kiosks/{clinicId}/{kioskId}/events',
        path: `/kiosks/${segment('clinicId', clinicId)}/${segment('kioskId', kioskId)}/events`,
        query,
        schema: 'KioskEventRecordPage',
      },
      { limit, cursor },
      options,
    );
  }
}
