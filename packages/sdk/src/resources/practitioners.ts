import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type {
  PractitionerCreateParams,
  PractitionerListParams,
  PractitionerRecord,
  PractitionerUpdateParams,
} from '../core/types.js';
import { APIResource, checkNik, segment } from './resource.js';

/**
 * The clinic's health workers. A screening names one by `practitionerId`, and the SATUSEHAT
 * Encounter and Observations of that screening then name them instead of the clinic's default.
 */
export class Practitioners extends APIResource {
  /**
   * Registers a health worker by the NIK they know (the clinic finds their SATUSEHAT IHS number
   * when their first screening is sent), by IHS number, or both. A NIK registered already in that
   * clinic is a ConflictError (`PRACTITIONER_EXISTS`, with that `practitionerId` in `details`).
   * Needs `practitioner.write`.
   */
  async create(params: PractitionerCreateParams, options?: RequestOptions): Promise<PractitionerRecord> {
    if (params.nik !== undefined) checkNik(params.nik);
    return this._client.request(
      {
        method: 'POST',
        route: '/practitioners',
        path: '/practitioners',
        body: params,
        schema: 'PractitionerRecord',
        idempotent: true,
      },
      options,
    );
  }

  /**
   * Health workers, oldest registration first: `{ clinicId, active: true }` gives those a new
   * screening there may name. Kiosk credentials see their own clinic's only.
   */
  list(params: PractitionerListParams = {}, options?: RequestOptions): PagedList<PractitionerRecord> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      { method: 'GET', route: '/practitioners', path: '/practitioners', query, schema: 'PractitionerPage' },
      { limit, cursor },
      options,
    );
  }

  /** A health worker by id; NotFoundError when there is none. */
  async retrieve(id: string, options?: RequestOptions): Promise<PractitionerRecord> {
    return this._client.request(
      {
        method: 'GET',
        route: '/practitioners/{id}',
        path: `/practitioners/${segment('id', id)}`,
        schema: 'PractitionerRecord',
      },
      options,
    );
  }

  /**
   * Changes the fields given: `{ ihsNumber }` or the right `{ nik }` when SATUSEHAT could not find
   * them (then send the screening again with `screenings.forward`), a name, or `{ active: false }`
   * for someone who has left the clinic. A NIK another health worker of the clinic has is a
   * ConflictError (`PRACTITIONER_EXISTS`).
   */
  async update(
    id: string,
    params: PractitionerUpdateParams,
    options?: RequestOptions,
  ): Promise<PractitionerRecord> {
    if (typeof params.nik === 'string') checkNik(params.nik);
    return this._client.request(
      {
        method: 'PATCH',
        route: '/practitioners/{id}',
        path: `/practitioners/${segment('id', id)}`,
        body: params,
        schema: 'PractitionerRecord',
      },
      options,
    );
  }
}
