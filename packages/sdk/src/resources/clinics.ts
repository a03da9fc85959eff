import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type {
  Clinic,
  ClinicCreateParams,
  ClinicListParams,
  ClinicUpdateParams,
  PageParams,
  Puskesmas,
  PuskesmasCreateParams,
  PuskesmasUpdateParams,
} from '../core/types.js';
import { APIResource, segment } from './resource.js';

/**
 * Clinics as records: a name, a village, and the SATUSEHAT organization and location its
 * screenings are sent under (the server's own when a clinic has none). Reading needs
 * `clinic.read`, changing `clinic.admin`; a clinic the caller does not act for is a NotFoundError.
 */
export class Clinics extends APIResource {
  /** Registers a clinic the caller acts for; one registered already is a ConflictError (`CONFLICT`). */
  async create(params: ClinicCreateParams, options?: RequestOptions): Promise<Clinic> {
    return this._client.request(
      {
        method: 'POST',
        route: '/clinics',
        path: '/clinics',
        body: params,
        schema: 'Clinic',
        idempotent: true,
      },
      options,
    );
  }

  /** The caller's clinics in id order; `{ puskesmasId }` for those one puskesmas supervises. */
  list(params: ClinicListParams = {}, options?: RequestOptions): PagedList<Clinic> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      { method: 'GET', route: '/clinics', path: '/clinics', query, schema: 'ClinicPage' },
      { limit, cursor },
      options,
    );
  }

  async retrieve(id: string, options?: RequestOptions): Promise<Clinic> {
    return this._client.request(
      { method: 'GET', route: '/clinics/{id}', path: `/clinics/${segment('id', id)}`, schema: 'Clinic' },
      options,
    );
  }

  /**
   * Changes the fields given; `null` clears one (a location, so the server's is used again).
   * Moving a clinic to another puskesmas needs an administrator of every clinic or of both puskesmas.
   */
  async update(id: string, params: ClinicUpdateParams, options?: RequestOptions): Promise<Clinic> {
    return this._client.request(
      {
        method: 'PATCH',
        route: '/clinics/{id}',
        path: `/clinics/${segment('id', id)}`,
        body: params,
        schema: 'Clinic',
      },
      options,
    );
  }
}

/**
 * The puskesmas that supervise clinics. Everyone scoped to a puskesmas (`clinics: { puskesmasId }`)
 * reaches the clinics it supervises at the time of each request.
 */
export class PuskesmasResource extends APIResource {
  /** Registers a puskesmas and its (registered) clinics. Only an administrator of every clinic. */
  async create(params: PuskesmasCreateParams, options?: RequestOptions): Promise<Puskesmas> {
    return this._client.request(
      {
        method: 'POST',
        route: '/puskesmas',
        path: '/puskesmas',
        body: params,
        schema: 'Puskesmas',
        idempotent: true,
      },
      options,
    );
  }

  /** The puskesmas the caller reaches: its own, or those supervising one of its clinics. */
  list(params: PageParams = {}, options?: RequestOptions): PagedList<Puskesmas> {
    const { limit, cursor } = params;
    return this._client.requestList(
      { method: 'GET', route: '/puskesmas', path: '/puskesmas', query: {}, schema: 'PuskesmasPage' },
      { limit, cursor },
      options,
    );
  }

  async retrieve(id: string, options?: RequestOptions): Promise<Puskesmas> {
    return this._client.request(
      {
        method: 'GET',
        route: '/puskesmas/{id}',
        path: `/puskesmas/${segment('id', id)}`,
        schema: 'Puskesmas',
      },
      options,
    );
  }

  /** A new name, or the whole list of its clinics (that only by an administrator of every clinic). */
  async update(id: string, params: PuskesmasUpdateParams, options?: RequestOptions): Promise<Puskesmas> {
    return this._client.request(
      {
        method: 'PATCH',
        route: '/puskesmas/{id}',
        path: `/puskesmas/${segment('id', id)}`,
        body: params,
        schema: 'Puskesmas',
      },
      options,
    );
  }
}
