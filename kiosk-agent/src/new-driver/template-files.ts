import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateFile } from './plan.js';

/**
 * The folder `driver-template/` of this package: above `src/new-driver/` when run from source,
 * above `dist/` when built. Looked for rather than assumed, so both work.
 */
export function templateFolder(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'driver-template');
    if (existsSync(join(candidate, 'package.json.template'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`the driver template (driver-template/) is missing above ${from}: reinstall the agent`);
}

export function readTemplate(folder = templateFolder()): TemplateFile[] {
  const files: TemplateFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push({ path: relative(folder, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(folder);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
