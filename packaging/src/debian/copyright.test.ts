import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyrightFile } from './copyright.js';

let app: string;

function pkg(path: string, json: object, license?: [string, string]): void {
  const dir = join(app, path);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(json));
  if (license) writeFileSync(join(dir, license[0]), license[1]);
}

beforeEach(() => {
  app = mkdtempSync(join(tmpdir(), 'kd-copyright-'));
});
afterEach(() => rmSync(app, { recursive: true, force: true }));

describe('copyrightFile', () => {
  it('gives every package of the tree, nested ones too, its holders and license text', () => {
    pkg('node_modules/@klinik-desa/kiosk-agent', { name: '@klinik-desa/kiosk-agent', version: '0.1.0' });
    pkg('node_modules/ms', { name: 'ms', version: '2.1.3', license: 'MIT' }, [
      'license.md',
      'The MIT License (MIT)\n\nCopyright (c) 2020 Vercel, Inc.\n\nPermission is hereby granted...\n',
    ]);
    pkg('node_modules/a/node_modules/b', { name: 'b', version: '1.0.0', license: 'ISC', author: 'B Author' });
    pkg('node_modules/c', { name: 'c', version: '3.0.0', license: 'Apache-2.0' }, ['LICENSE', 'Apache text']);
    pkg('node_modules/a', { name: 'a', version: '1.0.0', license: { type: 'BSD-3-Clause' } }, [
      'LICENSE',
      'BSD',
    ]);
    const text = copyrightFile(app, 'usr/lib/app', 'Apache-2.0');
    const paragraphs = text.trimEnd().split('\n\n');
    expect(paragraphs[0]).toMatch(
      /^Format: https:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\//,
    );
    expect(paragraphs[1]).toBe(
      'Files: *\nCopyright: the klinik-desa contributors\nComment: @klinik-desa/kiosk-agent 0.1.0\nLicense: Apache-2.0\n On Debian systems, the full text of the license is in\n /usr/share/common-licenses/Apache-2.0.',
    );
    expect(paragraphs.slice(2).map((p) => p.split('\n')[0])).toEqual([
      'Files: usr/lib/app/node_modules/a/*',
      'Files: usr/lib/app/node_modules/a/node_modules/b/*',
      'Files: usr/lib/app/node_modules/c/*',
      'Files: usr/lib/app/node_modules/ms/*',
    ]);
    expect(text).toContain(
      'Copyright: 2020 Vercel, Inc.\nComment: npm package ms 2.1.3\nLicense: MIT\n The MIT License (MIT)\n .\n Copyright (c) 2020 Vercel, Inc.\n .\n Permission is hereby granted...',
    );
    expect(text).toContain(
      'Copyright: B Author\nComment: npm package b 1.0.0\nLicense: ISC\n b 1.0.0 declares',
    );
    expect(text).toContain('License: BSD-3-Clause\n BSD');
    // Debian has the Apache license: copyright points to it instead of repeating it.
    expect(text).not.toContain('Apache text');
  });
});
