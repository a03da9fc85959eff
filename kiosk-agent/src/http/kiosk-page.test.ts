import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPage, pageFolder } from './kiosk-page.js';

const agentRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('the kiosk page files', () => {
  it('are found from the sources and from the built dist/ folder alike', () => {
    expect(pageFolder()).toBe(join(agentRoot, 'page'));
    expect(pageFolder(join(agentRoot, 'dist'))).toBe(join(agentRoot, 'page'));
    expect(() => pageFolder('/')).toThrow(/page\/index.html\) are missing/);
  });

  it('serve the page, its script and its style with their types', () => {
    const page = loadPage();
    expect([...page.keys()]).toEqual([
      '/',
      '/kiosk.js',
      '/lock.js',
      '/texts.js',
      '/dom.js',
      '/reading-item.js',
      '/take-home.js',
      '/disk-banner.js',
      '/live.js',
      '/device-list.js',
      '/kiosk.css',
      '/messages.js',
    ]);
    expect(page.get('/')?.type).toBe('text/html; charset=utf-8');
    expect(page.get('/')?.body.toString()).toContain('<script type="module" src="/kiosk.js">');
    // Every module the page script imports is served, and announced so the browser fetches them at once.
    for (const module of [
      '/lock.js',
      '/texts.js',
      '/dom.js',
      '/reading-item.js',
      '/take-home.js',
      '/disk-banner.js',
      '/live.js',
      '/device-list.js',
      '/messages.js',
    ])
      expect(page.get('/')?.body.toString()).toContain(`<link rel="modulepreload" href="${module}" />`);
  });
});
