import type { RequestOptions } from '../client.js';
import type { ApiClientCredentials, ClientCreateParams } from '../core/types.js';
import { APIResource } from './resource.js';

/** API clients (partner apps, administrators). Needs `client.admin`. */
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
}
