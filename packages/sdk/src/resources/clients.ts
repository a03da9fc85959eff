import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type { ApiClient, ApiClientCredentials, ClientCreateParams, ClientListParams } from '../core/types.js';
import { APIResource, segment } from './resource.js';

/** API clients (partner apps, administrators, kiosks). Needs `client.admin`. */
export class Clients extends APIResource {
  /** Creates a client; its secret is in this answer only. */
  async create(params: ClientCreateParams, options?: RequestOptions): Promise<ApiClientCredentials> {
    return this._client.request(
      {
        method: 'POST',
        route: '/clients',
        path: '/clients',
        body: params,
        schema: 'ApiClientCredentials',
        idempotent: true,
      },
      options,
    );
  }

  /** Every client, by id; never a secret. `revokedAt` says which no longer sign in. */
  list(params: ClientListParams = {}, options?: RequestOptions): PagedList<ApiClient> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      { method: 'GET', route: '/clients', path: '/clients', query, schema: 'ApiClientPage' },
      { limit, cursor },
      options,
    );
  }

  /**
   * Revokes a client (a leaked secret, a retired app, a stolen kiosk): its tokens end at once and
   * it signs in no more. Revoking again keeps the first time. Your own client is a ConflictError.
   */
  async revoke(clientId: string, options?: RequestOptions): Promise<ApiClient> {
    return this._client.request(
      {
        method: 'POST',
        route: '/clients/{id}/revoke',
        path: `/clients/${segment('id', clientId)}/revoke`,
        schema: 'ApiClient',
        idempotent: true,
      },
      options,
    );
  }
}
