import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type {
  ManualReadingCreated,
  Observation,
  ObservationCreateParams,
  ObservationListParams,
} from '../core/types.js';
import { APIResource } from './resource.js';

export class Observations extends APIResource {
  /** Observations by patient, screening, kind or time range (`from` inclusive, `to` exclusive). */
  list(params: ObservationListParams = {}, options?: RequestOptions): PagedList<Observation> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      { method: 'GET', route: '/observations', path: '/observations', query, schema: 'ObservationPage' },
      { limit, cursor },
      options,
    );
  }

  /**
   * Posts a manual reading (values measured without a connected device) for an open screening;
   * it goes the same way as a kiosk's readings (triage, referrals, SATUSEHAT).
   */
  async create(params: ObservationCreateParams, options?: RequestOptions): Promise<ManualReadingCreated> {
    return this._client.request(
      {
        method: 'POST',
        route: '/observations',
        path: '/observations',
        body: params,
        schema: 'ManualReadingCreated',
        idempotent: true,
      },
      options,
    );
  }
}
