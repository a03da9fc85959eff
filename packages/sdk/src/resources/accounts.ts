import type { PagedList } from '../core/pagination.js';
import type { RequestOptions } from '../core/request.js';
import type { Account, AccountCreateParams, PageParams } from '../core/types.js';
import { APIResource, segment } from './resource.js';

/**
 * People's accounts, for the clinic server's own pages (people sign in there, not through the
 * SDK). Needs `client.admin`; accounts are granted clinics only within the caller's own.
 */
export class Accounts extends APIResource {
  /** Makes an account; the password is kept only as a scrypt hash. A taken username is a ConflictError. */
  async create(params: AccountCreateParams, options?: RequestOptions): Promise<Account> {
    return this._client.request(
      {
        method: 'POST',
        route: '/accounts',
        path: '/accounts',
        body: params,
        schema: 'Account',
        idempotent: true,
      },
      options,
    );
  }

  /** Accounts sharing a clinic (or the puskesmas) with the caller, in username order. */
  list(params: PageParams = {}, options?: RequestOptions): PagedList<Account> {
    const { limit, cursor } = params;
    return this._client.requestList(
      { method: 'GET', route: '/accounts', path: '/accounts', query: {}, schema: 'AccountPage' },
      { limit, cursor },
      options,
    );
  }

  /**
   * Disables an account: it cannot sign in, and its sessions are refused at once (401). Only within
   * the caller's clinics: an account acting for others is a PermissionDeniedError `FORBIDDEN`.
   */
  async disable(username: string, options?: RequestOptions): Promise<Account> {
    return this._client.request(
      {
        method: 'POST',
        route: '/accounts/{username}/disable',
        path: `/accounts/${segment('username', username)}/disable`,
        schema: 'Account',
      },
      options,
    );
  }

  /** Enables a disabled account again; the person signs in anew. */
  async enable(username: string, options?: RequestOptions): Promise<Account> {
    return this._client.request(
      {
        method: 'POST',
        route: '/accounts/{username}/enable',
        path: `/accounts/${segment('username', username)}/enable`,
        schema: 'Account',
      },
      options,
    );
  }
}
