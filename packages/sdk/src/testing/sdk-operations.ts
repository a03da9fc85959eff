// Every operation the SDK's resource methods send, found by calling each method of each resource of
// a client against a sender that only records: a method added to the SDK is listed without anyone
// updating a list.
import { ClinicClient } from '../client.js';
import type { CursorPage, PagedList } from '../core/pagination.js';
import type { Endpoint, RequestSender } from '../core/request.js';
import type { SchemaName } from '../core/validation.js';
import { APIResource } from '../resources/resource.js';

/** One SDK method and the operation it sends. */
export interface SdkOperation {
  /** The client's property holding the resource, e.g. `unassignedReadings`. */
  resource: string;
  /** The method's name, e.g. `assign`. */
  method: string;
  /** The HTTP method, lower case as OpenAPI writes it. */
  httpMethod: 'get' | 'post' | 'patch';
  /** The route as documented, e.g. `/readings/{id}/assign`. */
  route: string;
  /** The schema of the success answer, a key of `ResponseTypes`. */
  schema: SchemaName;
  /** Where the method's parameters go: a JSON body, the query string, or nowhere. */
  sends: 'body' | 'query' | 'nothing';
}

type ResourceClass = new (client: RequestSender) => APIResource;

/** The SDK's operations, in the client's order of resources and each resource's order of methods. */
export async function sdkOperations(): Promise<SdkOperation[]> {
  const client = new ClinicClient({ baseUrl: 'http://clinic.invalid', clientId: 'a', clientSecret: 'b' });
  const found: SdkOperation[] = [];
  for (const [resource, instance] of Object.entries(client)) {
    if (!(instance instanceof APIResource)) continue;
    const proto = Object.getPrototypeOf(instance) as object;
    for (const method of Object.getOwnPropertyNames(proto)) {
      if (method === 'constructor') continue;
      let sent: Endpoint<SchemaName> | undefined;
      const record = (endpoint: Endpoint<SchemaName>) => {
        sent ??= endpoint;
      };
      const recorder = recordingSender(record);
      const copy = new (instance.constructor as ResourceClass)(recorder) as unknown as Record<
        string,
        (...args: unknown[]) => unknown
      >;
      // 'x' serves as every argument: an id, and a params object with none of its fields set.
      await copy[method]!('x', 'x', 'x');
      if (!sent) throw new Error(`${resource}.${method} sent no request`);
      const endpoint: Endpoint<SchemaName> = sent;
      found.push({
        resource,
        method,
        httpMethod: endpoint.method.toLowerCase() as SdkOperation['httpMethod'],
        route: endpoint.route,
        schema: endpoint.schema,
        sends: endpoint.body !== undefined ? 'body' : endpoint.query !== undefined ? 'query' : 'nothing',
      });
    }
  }
  return found;
}

/** A sender that records each endpoint and answers an empty body or an empty page. */
function recordingSender(record: (endpoint: Endpoint<SchemaName>) => void): RequestSender {
  const emptyPage = { data: [], nextCursor: null } as unknown as CursorPage<never>;
  return {
    request: async (endpoint) => {
      record(endpoint);
      return {} as never;
    },
    requestList: (endpoint) => {
      record(endpoint);
      return { firstPage: async () => emptyPage } as unknown as PagedList<never>;
    },
  };
}
