import { FLEET_CSS, FLEET_HTML, FLEET_JS } from '../../fleet/page/index.js';
import type { ApiApp } from '../fastify.js';

/**
 * Only the server's own script and style, and fetches to itself: the page keeps working under
 * this policy, and an injected script would not run.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The fleet page and its two files. They are public (they hold no data); the page asks GET /fleet
 * with the caller's credentials.
 */
export function registerFleetPage(app: ApiApp): void {
  const files = [
    ['/ui/fleet', 'text/html; charset=utf-8', FLEET_HTML],
    ['/ui/fleet.js', 'text/javascript; charset=utf-8', FLEET_JS],
    ['/ui/fleet.css', 'text/css; charset=utf-8', FLEET_CSS],
  ] as const;
  for (const [path, type, body] of files) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type(type)
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .serializer((x: unknown) => x as string)
        .send(body),
    );
  }
}
