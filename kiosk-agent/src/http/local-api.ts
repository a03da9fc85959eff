import type { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { ManualReadingError } from '../readings/manual.js';
import { ClinicRequestError } from '../session/clinic-client.js';
import type { PatientCard } from '../session/clinic-patients.js';
import type { PractitionerList } from '../session/clinic-practitioners.js';
import { ScreeningSession, type SessionState } from '../session/session.js';
import { firstIssue } from '../zod-issue.js';
import { loadPage, type PageFiles } from './kiosk-page.js';
import { type Metric, renderMetrics } from './metrics.js';

/** What the agent shows its local API: read-only views plus the session the worker opens and closes. */
export interface AgentView {
  /** Finds and registers patients at the clinic, with the kiosk's own credentials. */
  patients: {
    search(query: unknown): Promise<PatientCard[]>;
    register(body: unknown): Promise<PatientCard>;
    get(id: string): Promise<PatientCard>;
  };
  /** The clinic's active health workers, for "who is doing this check". */
  practitioners: { list(): Promise<PractitionerList> };
  status(): unknown;
  session: SessionState;
  /** Opens a screening (at the clinic when it can be reached), binding the next readings to it. */
  openSession(request: z.infer<typeof OpenSession>): Promise<unknown>;
  closeSession(): Promise<unknown>;
  /** Assigns an earlier unassigned reading to the open screening at the clinic; returns the session. */
  assignToSession(readingId: string): Promise<unknown>;
  recent(limit: number): unknown[];
  /** Keeps a value typed in on the kiosk page; throws ManualReadingError when it cannot. */
  addManual(input: unknown): unknown;
  metrics(): Metric[];
  /** Emits `update` with `{ type, ...data }` for the SSE stream (new reading, receipt, status). */
  events: EventEmitter;
}

export class LocalApiError extends Error {
  override readonly name = 'LocalApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const OpenSession = ScreeningSession.omit({ openedAt: true }).extend({
  sessionId: ScreeningSession.shape.sessionId.optional(),
});
const MAX_BODY = 16 * 1024;
const PATIENT_PATH = /^\/patients\/([A-Za-z0-9._~-]{1,128})$/;
const ASSIGN_PATH = /^\/readings\/([0-9a-f-]{36})\/assign$/;
/** Names a browser on this machine uses for the agent; anything else is another site's page. */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new LocalApiError(413, 'TOO_LARGE', `body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new LocalApiError(400, 'INVALID_JSON', 'the body is not JSON');
  }
}

/**
 * The agent's HTTP API and the kiosk page itself, on loopback only: it can open a screening for a
 * patient, so nothing off the kiosk may reach it. The page (`/`), status, patients found and
 * registered at the clinic, the open session, recent readings, a live stream of readings
 * (server-sent events) and Prometheus metrics.
 */
export function startLocalApi(
  view: AgentView,
  options: { host: string; port: number; log: Logger; page?: PageFiles },
): Promise<Server> {
  const page = options.page ?? loadPage();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      checkCaller(req);
      const route = `${req.method} ${url.pathname}`;
      const file = req.method === 'GET' ? page.get(url.pathname) : undefined;
      if (file) {
        res.writeHead(200, { 'content-type': file.type, ...PAGE_HEADERS });
        return res.end(file.body);
      }
      const patientId = PATIENT_PATH.exec(url.pathname)?.[1];
      if (req.method === 'GET' && patientId) return send(res, 200, await view.patients.get(patientId));
      const assignId = ASSIGN_PATH.exec(url.pathname)?.[1];
      if (req.method === 'POST' && assignId) {
        const session = await view.assignToSession(assignId);
        view.events.emit('update', { type: 'session', session });
        return send(res, 200, session);
      }
      switch (route) {
        case 'POST /patients/search':
          return send(res, 200, { data: await view.patients.search(await readJson(req)) });
        case 'POST /patients':
          return send(res, 201, await view.patients.register(await readJson(req)));
        case 'GET /practitioners':
          return send(res, 200, await view.practitioners.list());
        case 'GET /status':
          return send(res, 200, view.status());
        case 'GET /session': {
          const session = view.session.current();
          return session
            ? send(res, 200, session)
            : send(res, 404, { code: 'NO_SESSION', message: 'no screening is open' });
        }
        case 'PUT /session': {
          const parsed = OpenSession.safeParse(await readJson(req));
          if (!parsed.success) throw new LocalApiError(400, 'BAD_SESSION', firstIssue(parsed.error));
          const session = await view.openSession(parsed.data);
          view.events.emit('update', { type: 'session', session });
          return send(res, 200, session);
        }
        case 'DELETE /session': {
          const closed = await view.closeSession();
          view.events.emit('update', { type: 'session', session: null });
          return closed
            ? send(res, 200, closed)
            : send(res, 404, { code: 'NO_SESSION', message: 'no screening is open' });
        }
        case 'GET /readings': {
          const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
          return send(res, 200, { data: view.recent(limit) });
        }
        case 'POST /readings/manual':
          return send(res, 201, { state: 'queued', reading: view.addManual(await readJson(req)) });
        case 'GET /readings/stream':
          return stream(view, req, res);
        case 'GET /metrics':
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          return res.end(renderMetrics(view.metrics()));
        default:
          throw new LocalApiError(404, 'NOT_FOUND', `no route ${route}`);
      }
    } catch (error) {
      if (error instanceof LocalApiError)
        return send(res, error.status, { code: error.code, message: error.message });
      if (error instanceof ManualReadingError)
        return send(res, error.status, { code: error.code, message: error.message });
      if (error instanceof ClinicRequestError)
        return send(res, error.status, {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        });
      options.log.error({ err: error }, 'local API failed');
      return send(res, 500, { code: 'INTERNAL', message: 'internal error' });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? Object.assign(
              new Error(
                `http.port ${options.port} on ${options.host} is already in use; fix: choose another port, or 0 for a free one`,
              ),
              { code: 'PORT_TAKEN' },
            )
          : error,
      ),
    );
    server.listen(options.port, options.host, () => resolve(server));
  });
}

/**
 * The API opens screenings and shows patients' names, so only the kiosk's own page may use it. The
 * port is on loopback, but any web page open in the kiosk's browser can send requests to it: a
 * foreign Host is a DNS-rebinding page, and a foreign Origin another site's form or script.
 * Programs on the machine (curl, the tests) send no Origin and stay allowed.
 */
function checkCaller(req: IncomingMessage): void {
  const host = req.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host))
    throw new LocalApiError(403, 'FOREIGN_HOST', `the local API answers only on loopback, not as "${host}"`);
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    throw new LocalApiError(403, 'FOREIGN_ORIGIN', `requests from pages of ${origin} are refused`);
}

/** Server-sent events: every new reading, receipt and session change, as it happens. */
function stream(view: AgentView, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write(`event: status\ndata: ${JSON.stringify({ type: 'status', status: view.status() })}\n\n`);
  const onUpdate = (update: { type: string }) =>
    res.write(`event: ${update.type}\ndata: ${JSON.stringify(update)}\n\n`);
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  view.events.on('update', onUpdate);
  req.on('close', () => {
    clearInterval(ping);
    view.events.off('update', onUpdate);
  });
}

export const LocalApiConfig = z
  .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8710) })
  .strict();
