import { type RunningProcess, runTsCli, SERVER_CLI, startTsProcess } from './processes.js';

export interface ClinicServerProcess {
  readonly process: RunningProcess;
  /** The clinic API, e.g. http://127.0.0.1:40123. */
  readonly httpUrl: string;
  stop(): Promise<number | null>;
}

/**
 * `clinic-server start` as its own process with a free API port (`--port 0`), resolved once it
 * logs that it is ready.
 */
export async function startClinicServerProcess(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ClinicServerProcess> {
  const proc = startTsProcess(name, SERVER_CLI, ['start', '--port', '0', ...args], { env });
  const [, httpUrl] = await proc.waitForLine(/clinic API listening on (http:\/\/[\d.]+:\d+)/, 60_000);
  await proc.waitForLine(/clinic server ready/, 60_000);
  return { process: proc, httpUrl: httpUrl!, stop: () => proc.stop() };
}

/** A one-shot `clinic-server` command a helper relies on exited with an error. */
export class ClinicCliError extends Error {
  readonly code = 'KD_CLINIC_CLI_FAILED';
  override name = 'ClinicCliError';
}

/** Runs a one-shot `clinic-server` command and returns its output. */
export function clinicServerCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runTsCli(SERVER_CLI, args, env);
}

/**
 * Creates an administrator with the CLI, as an operator would for the first one: of every clinic
 * unless `clinics` names some.
 */
export function createAdminClient(
  db: string,
  clinics: readonly string[] | '*' = '*',
): { clientId: string; clientSecret: string } {
  const grant = clinics === '*' ? ['--all-clinics'] : clinics.flatMap((c) => ['--clinic', c]);
  const r = clinicServerCli([
    'client',
    'create',
    '--db',
    db,
    '--role',
    'admin',
    '--name',
    'test admin',
    ...grant,
  ]);
  if (r.code !== 0) throw new ClinicCliError(`client create failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { clientId: string; clientSecret: string };
}

/** A minimal clinic API client for tests: one token, JSON in and out. */
export class ApiTestClient {
  private token: string | undefined;
  constructor(
    readonly baseUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {}

  async signIn(): Promise<this> {
    const r = await fetch(`${this.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.clientId,
        client_secret: this.clientSecret,
      }).toString(),
    });
    if (!r.ok) throw new Error(`token request failed: ${r.status} ${await r.text()}`);
    this.token = ((await r.json()) as { access_token: string }).access_token;
    return this;
  }

  /**
   * Signs a person in (POST /sign-in) instead of the client: the session then serves as the bearer
   * token of every request, as it does for the fleet pages.
   */
  static async signInPerson(baseUrl: string, username: string, password: string): Promise<ApiTestClient> {
    const r = await fetch(`${baseUrl}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!r.ok) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
    const client = new ApiTestClient(baseUrl, `account.${username}`, '');
    client.token = ((await r.json()) as { sessionToken: string }).sessionToken;
    return client;
  }

  /** The bearer token `signIn` got, for callers that make their own requests (benchmarks' baselines). */
  get accessToken(): string {
    if (this.token === undefined) throw new Error('ApiTestClient: signIn() first');
    return this.token;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const r = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}
