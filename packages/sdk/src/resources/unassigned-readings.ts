import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type {
  UnassignedReading,
  UnassignedReadingAssignParams,
  UnassignedReadingDiscardParams,
  UnassignedReadingListParams,
} from '../core/types.js';
import { APIResource, segment } from './resource.js';

/** Readings that arrived with no open screening: a health worker assigns or discards each. */
export class UnassignedReadings extends APIResource {
  /** Kiosk credentials see their own kiosk's only. */
  list(params: UnassignedReadingListParams = {}, options?: RequestOptions): PagedList<UnassignedReading> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      {
        method: 'GET',
        route: '/readings/unassigned',
        path: '/readings/unassigned',
        query,
        schema: 'UnassignedReadingPage',
      },
      { limit, cursor },
      options,
    );
  }

  /** Assigns the reading to an open screening; ConflictError when it is no longer unassigned. */
  async assign(
    readingId: string,
    params: UnassignedReadingAssignParams,
    options?: RequestOptions,
  ): Promise<UnassignedReading> {
    return this._client.request(
      {
        method: 'POST',
        route: '/readings/{id}/assign',
        path: `/readings/${segment('readingId', readingId)}/assign`,
        body: params,
        schema: 'UnassignedReading',
        idempotent: true,
      },
      options,
    );
  }

  /** Discards the reading, saying why; it stays in the record with the reason. */
  async discard(
    readingId: string,
    params: UnassignedReadingDiscardParams,
    options?: RequestOptions,
  ): Promise<UnassignedReading> {
    return this._client.request(
      {
        method: 'POST',
        route: '/readings/{id}/discard',
        path: `/readings/${segment('readingId', readingId)}/discard`,
        body: params,
        schema: 'UnassignedReading',
        idempotent: true,
      },
      options,
    );
  }
}
