import type { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { ScreeningSession, type SessionState } from '../session/session.js';
import { type Metric, renderMetrics } from './metrics.js';

/** What the agent shows its local API: read-only views plus the session the worker opens and closes. */
export interface AgentView {
  status(): unknown;
  session: SessionState;
  /** Opens a screening (at the clinic when it can be reached), binding the next readings to it. */
  openSession(request: z.infer<typeof OpenSession>): Promise<unknown>;
  closeSession(): Promise<unknown>;
  recent(limit: number): unknown[];
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
 * The agent's HTTP API for the kiosk page, on loopback only: it can open a screening for a patient,
 * so nothing off the kiosk may reach it. Status, the open session, recent readings, a live stream
 * of readings (server-sent events) and Prometheus metrics.
 */
export function startLocalApi(
  view: AgentView,
  options: { host: string; port: number; log: Logger },
): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const route = `${req.method} ${url.pathname}`;
      switch (route) {
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
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new LocalApiError(
              400,
              'BAD_SESSION',
              `${issue?.path.join('.') || 'body'}: ${issue?.message}`,
            );
          }
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

/** Server-sent events: every new reading, receipt and session change, as it happens. */
function stream(view: AgentView, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write(`event: status\ndata: ${JSON.stringify(view.status())}\n\n`);
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
