// An npm registry on loopback serving the workspace's packed packages, so a test can type the
// commands a device vendor types (`npm install @klinik-desa/kiosk-agent`) before these packages are
// on the public registry: npm asks it for the @klinik-desa scope only (a user config file names it)
// and the public registry for everything else. It answers the two requests `npm install` makes:
// a package's document (its versions and where their tarballs are) and a tarball.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { run } from '@klinik-desa/packaging';

export interface LocalRegistry {
  readonly url: string;
  /** An npm user config (`NPM_CONFIG_USERCONFIG`) sending the @klinik-desa scope here. */
  readonly npmrc: string;
  close(): Promise<void>;
}

interface Published {
  manifest: Record<string, unknown> & { name: string; version: string };
  tarball: string;
  integrity: string;
}

function publishedFrom(tarball: string): Published {
  const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: '/' }));
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  return { manifest, tarball, integrity };
}

export async function startLocalRegistry(tarballs: readonly string[], dir: string): Promise<LocalRegistry> {
  const packages = new Map(tarballs.map(publishedFrom).map((p) => [p.manifest.name, p]));
  const files = new Map([...packages.values()].map((p) => [basename(p.tarball), p.tarball]));
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
    const file = path.startsWith('-/') ? files.get(path.slice(2)) : undefined;
    if (file) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
      return;
    }
    const published = packages.get(path);
    if (!published) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const { manifest, tarball, integrity } = published;
    const version = {
      ...manifest,
      _id: `${manifest.name}@${manifest.version}`,
      dist: { tarball: `${base}-/${basename(tarball)}`, integrity },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        name: manifest.name,
        'dist-tags': { latest: manifest.version },
        versions: { [manifest.version]: version },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const npmrc = join(dir, 'npmrc');
  writeFileSync(npmrc, `@klinik-desa:registry=${base}\n`);
  return {
    url: base,
    npmrc,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
