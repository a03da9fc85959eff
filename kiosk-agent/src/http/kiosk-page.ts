import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messagesScript } from '../page-messages/index.js';

/** The kiosk page's files, as the local API serves them: path → content type and bytes. */
export type PageFiles = ReadonlyMap<string, { type: string; body: Buffer }>;

const FILES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/kiosk.js': ['kiosk.js', 'text/javascript; charset=utf-8'],
  '/lock.js': ['lock.js', 'text/javascript; charset=utf-8'],
  '/texts.js': ['texts.js', 'text/javascript; charset=utf-8'],
  '/dom.js': ['dom.js', 'text/javascript; charset=utf-8'],
  '/reading-item.js': ['reading-item.js', 'text/javascript; charset=utf-8'],
  '/take-home.js': ['take-home.js', 'text/javascript; charset=utf-8'],
  '/disk-banner.js': ['disk-banner.js', 'text/javascript; charset=utf-8'],
  '/live.js': ['live.js', 'text/javascript; charset=utf-8'],
  '/device-list.js': ['device-list.js', 'text/javascript; charset=utf-8'],
  '/kiosk.css': ['kiosk.css', 'text/css; charset=utf-8'],
};

/**
 * The folder `page/` of this package: two levels above `src/http/` when run from source, one above
 * `dist/` when built. Looked for rather than assumed, so both work.
 */
export function pageFolder(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'page');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`the kiosk page's files (page/index.html) are missing above ${from}: reinstall the agent`);
}

/**
 * Read once at start: a few kB, and a kiosk must not touch the disk per page load. `/messages.js`
 * is made from the agent's message table (src/page-messages), so the page and the agent's codes
 * cannot drift apart.
 */
export function loadPage(folder = pageFolder()): PageFiles {
  const files = new Map(
    Object.entries(FILES).map(([path, [file, type]]) => [
      path,
      { type, body: readFileSync(join(folder, file)) },
    ]),
  );
  files.set('/messages.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(messagesScript()) });
  return files;
}
