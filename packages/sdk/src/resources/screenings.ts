import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type {
  FhirBundle,
  Screening,
  ScreeningCreateParams,
  ScreeningDetail,
  ScreeningFinishParams,
  ScreeningListParams,
} from '../core/types.js';
import { APIResource, segment } from './resource.js';

export class Screenings extends APIResource {
  /**
   * Opens a screening of a patient at a kiosk. Its `id` is the `sessionId` the kiosk puts on the
   * readings taken while it is open.
   */
  async create(params: ScreeningCreateParams, options?: RequestOptions): Promise<Screening> {
    return this._client.request(
      {
        method: 'POST',
        route: '/screenings',
        path: '/screenings',
        body: params,
        schema: 'Screening',
        idempotent: true,
      },
      options,
    );
  }

  /** A screening with its observations and flags. */
  async retrieve(id: string, options?: RequestOptions): Promise<ScreeningDetail> {
    return this._client.request(
      {
        method: 'GET',
        route: '/screenings/{id}',
        path: `/screenings/${segment('id', id)}`,
        schema: 'ScreeningDetail',
      },
      options,
    );
  }

  list(params: ScreeningListParams = {}, options?: RequestOptions): PagedList<Screening> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      { method: 'GET', route: '/screenings', path: '/screenings', query, schema: 'ScreeningPage' },
      { limit, cursor },
      options,
    );
  }

  /**
   * Finishes a screening; with `forward` (the default) its Bundle is queued for SATUSEHAT.
   * Finishing one already finished is a ConflictError (`SCREENING_CLOSED`).
   */
  async finish(id: string, params: ScreeningFinishParams = {}, options?: RequestOptions): Promise<Screening> {
    return this._client.request(
      {
        method: 'POST',
        route: '/screenings/{id}/finish',
        path: `/screenings/${segment('id', id)}/finish`,
        body: params,
        schema: 'Screening',
        idempotent: true,
      },
      options,
    );
  }

  /** Queues a finished screening for SATUSEHAT again (after a failed or skipped send). */
  async forward(id: string, options?: RequestOptions): Promise<Screening> {
    return this._client.request(
      {
        method: 'POST',
        route: '/screenings/{id}/forward',
        path: `/screenings/${segment('id', id)}/forward`,
        schema: 'Screening',
        idempotent: true,
      },
      options,
    );
  }

  /**
   * The SATUSEHAT-ready FHIR R4 transaction Bundle of a screening. ConflictError
   * `FHIR_NOT_READY` when the patient has no IHS number or the server no SATUSEHAT organization.
   */
  async fhirBundle(id: string, options?: RequestOptions): Promise<FhirBundle> {
    return this._client.request(
      {
        method: 'GET',
        route: '/screenings/{id}/fhir',
        path: `/screenings/${segment('id', id)}/fhir`,
        schema: 'FhirBundle',
      },
      options,
    );
  }
}
