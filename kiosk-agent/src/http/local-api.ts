import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { OutboxFullError } from '../disk/index.js';
import type { Logger } from '../logger.js';
import { ManualReadingError } from '../readings/index.js';
import { ClinicRequestError, OpenScreening } from '../screening/index.js';
import { type LocalStatus, renderMetrics } from '../status/index.js';
import { firstIssue } from '../zod-issue.js';
import type { AgentUpdate, AgentView } from './agent-view.js';
import { loadPage, type PageFiles } from './kiosk-page.js';
import { LocalApiError } from './local-api-error.js';
import { LookupLimit } from './lookup-limit.js';
import { PageLock } from './page-lock.js';

export type { AgentUpdate, AgentView } from './agent-view.js';
export { LocalApiError } from './local-api-error.js';

/** `PUT /session` opens a screening; its body and path keep the page's word. */
const OpenScreeningBody = OpenScreening.omit({ openedAt: true }).extend({
  sessionId: OpenScreening.shape.sessionId.optional(),
});
/** `POST /outbox/resend`: the rejection codes whose entries go back in the queue. */
const ResendBody = z
  .object({
    codes: z
      .array(z.string().regex(/^[A-Z0-9_]{1,64}$/))
      .min(1)
      .max(20),
  })
  .strict();
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

/** The page session's cookie: HttpOnly (no script reads it), SameSite=Strict, gone when the browser closes. */
const PAGE_COOKIE = 'kd_page';
const COOKIE_VALUE = new RegExp(`(?:^|;\\s*)${PAGE_COOKIE}=([A-Za-z0-9_-]{1,100})`);
/** Routes any local program may call: the page's files come separately, before these. */
const OPEN_ROUTES = new Set(['GET /status', 'GET /metrics', 'POST /page/unlock', 'POST /page/lock']);
/** Routes that find or name patients: counted against the kiosk's look-up rate. */
const LOOKUPS = new Set(['POST /patients/search', 'POST /patients', 'GET /patients/:id']);

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function pageToken(req: IncomingMessage): string | undefined {
  return COOKIE_VALUE.exec(req.headers.cookie ?? '')?.[1];
}

/**
 * What any local program may know of the agent: no patient id, sex or age of the open screening,
 * only that one is open (`kiosk-agent status` shows its id).
 */
function openStatus(status: LocalStatus) {
  const { session, ...rest } = status;
  return { ...rest, session: session ? { sessionId: session.sessionId, openedAt: session.openedAt } : null };
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
 * registered at the clinic, the open screening, recent readings, a live stream of readings
 * (server-sent events) and Prometheus metrics. Everything naming a patient or changing a screening
 * answers only the page unlocked with the health worker's PIN (`PageLock`).
 */
export function startLocalApi(view: AgentView, options: LocalApiOptions): Promise<Server> {
  const files = options.files ?? loadPage();
  const lock = new PageLock({
    pinHash: options.page?.pinHash,
    lockAfterMs: (options.page?.lockAfterMinutes ?? 3) * 60_000,
    ...(options.now ? { now: options.now } : {}),
  });
  const lookups = new LookupLimit({
    ...(options.lookups ?? { perMinute: 20, burst: 5 }),
    ...(options.now ? { now: options.now } : {}),
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      checkCaller(req);
      const route = `${req.method} ${url.pathname}`;
      const file = req.method === 'GET' ? files.get(url.pathname) : undefined;
      if (file) {
        res.writeHead(200, { 'content-type': file.type, ...PAGE_HEADERS });
        return res.end(file.body);
      }
      const patientId = PATIENT_PATH.exec(url.pathname)?.[1];
      let sessionKey: string | undefined;
      if (!OPEN_ROUTES.has(route)) {
        sessionKey = lock.check(pageToken(req));
        // `/patients/search` fits PATIENT_PATH too: only a GET of it is a patient by id.
        if (LOOKUPS.has(patientId && req.method === 'GET' ? 'GET /patients/:id' : route)) lookups.take();
      }
      if (req.method === 'GET' && patientId) return send(res, 200, await view.patients.get(patientId));
      const assignId = ASSIGN_PATH.exec(url.pathname)?.[1];
      if (req.method === 'POST' && assignId) {
        const screening = await view.assignToScreening(assignId);
        view.events.emit('update', { type: 'session', session: screening });
        return send(res, 200, screening);
      }
      switch (route) {
        case 'POST /patients/search':
          return send(res, 200, { data: await view.patients.search(await readJson(req)) });
        case 'POST /patients':
          return send(res, 201, await view.patients.register(await readJson(req)));
        case 'GET /practitioners':
          return send(res, 200, await view.practitioners.list());
        case 'GET /status':
          return send(res, 200, openStatus(view.status()));
        case 'POST /page/unlock':
        case 'POST /page/lock':
        case 'POST /page/alive':
          // Awaited here, so a wrong PIN is caught below and answered like any other refusal.
          return await pageRoute(route, req, res, lock);
        case 'GET /session': {
          const screening = view.screening.current();
          return screening
            ? send(res, 200, screening)
            : send(res, 404, { code: 'NO_SESSION', message: 'no screening is open' });
        }
        case 'PUT /session': {
          const parsed = OpenScreeningBody.safeParse(await readJson(req));
          if (!parsed.success) throw new LocalApiError(400, 'BAD_SESSION', firstIssue(parsed.error));
          const screening = await view.openScreening(parsed.data);
          view.events.emit('update', { type: 'session', session: screening });
          return send(res, 200, screening);
        }
        case 'DELETE /session': {
          const closed = await view.closeScreening();
          view.events.emit('update', { type: 'session', session: null });
          return closed
            ? send(res, 200, closed)
            : send(res, 404, { code: 'NO_SESSION', message: 'no screening is open' });
        }
        case 'GET /readings': {
          const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
          return send(res, 200, { data: view.recent(limit) });
        }
        case 'POST /outbox/resend': {
          const parsed = ResendBody.safeParse(await readJson(req));
          if (!parsed.success) throw new LocalApiError(400, 'BAD_RESEND', firstIssue(parsed.error));
          return send(res, 200, view.resendRejected(parsed.data.codes));
        }
        case 'POST /readings/manual':
          return send(res, 201, { state: 'queued', reading: view.addManual(await readJson(req)) });
        case 'GET /readings/stream':
          return stream(view, req, res, (end) => lock.onEnd(sessionKey as string, end));
        case 'GET /metrics':
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          return res.end(renderMetrics(view.metrics()));
        default:
          throw new LocalApiError(404, 'NOT_FOUND', `no route ${route}`);
      }
    } catch (error) {
      return sendFailure(res, error, options.log);
    }
  });
  return listen(server, options, lock);
}

/** Unlocking, locking and keeping alive the page session: the cookie is HttpOnly and SameSite=Strict. */
async function pageRoute(
  route: string,
  req: IncomingMessage,
  res: ServerResponse,
  lock: PageLock,
): Promise<void> {
  if (route === 'POST /page/unlock') {
    const body = (await readJson(req)) as { pin?: unknown } | null;
    const token = await lock.unlock(body?.pin);
    return send(
      res,
      200,
      { lockAfterSeconds: lock.lockAfterMs / 1000 },
      { 'set-cookie': `${PAGE_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` },
    );
  }
  if (route === 'POST /page/lock') {
    lock.lock(pageToken(req));
    res.writeHead(204, { 'set-cookie': `${PAGE_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` });
  } else res.writeHead(204);
  res.end();
}

/** The answer to a request that failed: its own code and status, or 500 for what was not foreseen. */
function sendFailure(res: ServerResponse, error: unknown, log: Logger): void {
  if (error instanceof LocalApiError) {
    send(res, error.status, { code: error.code, message: error.message }, { ...error.headers });
  } else if (error instanceof ManualReadingError) {
    send(res, error.status, { code: error.code, message: error.message, details: error.details });
  } else if (error instanceof ClinicRequestError) {
    send(res, error.status, {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    });
  } else if (error instanceof OutboxFullError) {
    // The page says nothing was kept and to try again once the disk has room.
    send(res, 503, { code: error.code, message: error.message });
  } else {
    log.error({ err: error }, 'local API failed');
    send(res, 500, { code: 'INTERNAL', message: 'internal error' });
  }
}

function listen(server: Server, options: LocalApiOptions, lock: PageLock): Promise<Server> {
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
    // Idle sessions end on time even when nothing asks, and their event streams close with them.
    const sweep = setInterval(() => lock.sweep(), 1000).unref();
    server.once('close', () => clearInterval(sweep));
  });
}

export interface LocalApiOptions {
  host: string;
  port: number;
  log: Logger;
  /** kiosk.yaml `http.page`: the health worker's PIN hash and the idle minutes before the page locks. */
  page?: { pinHash?: string | undefined; lockAfterMinutes: number };
  /** The page's files; read from `page/` by default. */
  files?: PageFiles;
  /** Patient look-ups per kiosk; default 20 a minute, bursts of 5. */
  lookups?: { perMinute: number; burst: number };
  /** The clock of the page lock and the look-up limit (tests move it). */
  now?: () => number;
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

/** Server-sent events: every new reading, receipt and screening change, as it happens. */
function stream(
  view: AgentView,
  req: IncomingMessage,
  res: ServerResponse,
  onLock: (end: () => void) => () => void,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write(`event: status\ndata: ${JSON.stringify({ type: 'status', status: view.status() })}\n\n`);
  const onUpdate = (update: AgentUpdate) =>
    res.write(`event: ${update.type}\ndata: ${JSON.stringify(update)}\n\n`);
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  view.events.on('update', onUpdate);
  // A locked page gets nothing more: the stream ends with its session, and the page must unlock to reopen it.
  const forget = onLock(() => res.end());
  req.on('close', () => {
    clearInterval(ping);
    view.events.off('update', onUpdate);
    forget();
  });
}

export const LocalApiConfig = z
  .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8710) })
  .strict();
