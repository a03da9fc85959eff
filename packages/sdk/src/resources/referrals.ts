import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type { Referral, ReferralAcknowledgeParams, ReferralListParams } from '../core/types.js';
import { APIResource, segment } from './resource.js';

/** Made by the server for every `refer` or `urgent` flag of a stored reading, oldest first. */
export class Referrals extends APIResource {
  list(params: ReferralListParams = {}, options?: RequestOptions): PagedList<Referral> {
    const { limit, cursor, ...query } = params;
    return this._client.requestList(
      { method: 'GET', route: '/referrals', path: '/referrals', query, schema: 'ReferralPage' },
      { limit, cursor },
      options,
    );
  }

  /** Acknowledges a referral; acknowledging again keeps the first acknowledgement. */
  async acknowledge(
    id: string,
    params: ReferralAcknowledgeParams = {},
    options?: RequestOptions,
  ): Promise<Referral> {
    return this._client.request(
      {
        method: 'POST',
        route: '/referrals/{id}/acknowledge',
        path: `/referrals/${segment('id', id)}/acknowledge`,
        body: params,
        schema: 'Referral',
        idempotent: true,
      },
      options,
    );
  }
}
