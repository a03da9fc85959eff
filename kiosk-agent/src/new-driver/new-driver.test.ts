import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { driverNames, fillTemplate, NewDriverError, readTemplate, templateFolder } from './index.js';

const versions = { driverApi: '1.2.3', klinikDesa: '0.4.0' };

describe('new-driver names', () => {
  it('takes the protocol id and folder from a scoped name, and names the tarball as npm pack does', () => {
    expect(driverNames('@acme/thermo-t1')).toEqual({
      packageName: '@acme/thermo-t1',
      protocolId: 'thermo-t1',
      folder: 'thermo-t1',
      tarball: 'acme-thermo-t1-0.1.0.tgz',
    });
    expect(driverNames('acme.scale', 'acme-scale', 'drivers/scale')).toMatchObject({
      protocolId: 'acme-scale',
      folder: 'drivers/scale',
      tarball: 'acme.scale-0.1.0.tgz',
    });
  });

  it('refuses a name npm would refuse, and a protocol id the agent would refuse, each with its fix', () => {
    expect(() => driverNames('Acme Thermo')).toThrow(/not an npm package name; fix: lower case/);
    expect(() => driverNames('@acme/thermo', 'Thermo_1')).toThrow(/cannot be a protocol id; fix: --protocol/);
    expect(() => driverNames('@acme/~~')).toThrow(NewDriverError);
  });
});

describe('the driver template', () => {
  const filled = fillTemplate(readTemplate(), driverNames('@acme/thermo-t1'), versions);
  const file = (path: string) => filled.find((f) => f.path === path)?.text ?? '';

  it('leaves no token unfilled and renames the files npm would drop or misread', () => {
    expect(filled.map((f) => f.path)).toEqual(
      expect.arrayContaining(['.gitignore', 'package.json', 'README.md', 'src/driver.ts', 'src/index.ts']),
    );
    for (const { path, text } of filled) expect(text, path).not.toMatch(/__[A-Z_]+__/);
  });

  it('writes the name, protocol id and versions where the agent and npm read them', () => {
    const pkg = JSON.parse(file('package.json'));
    expect(pkg.name).toBe('@acme/thermo-t1');
    expect(pkg.dependencies).toEqual({ '@klinik-desa/devices': '^0.4.0', '@klinik-desa/protocol': '^0.4.0' });
    expect(file('src/index.ts')).toContain("export const driverApiVersion = '1.2.3';");
    expect(file('src/driver.ts')).toContain("const ID = 'thermo-t1';");
    expect(file('README.md')).toContain('npm install ./acme-thermo-t1-0.1.0.tgz');
  });

  it("asks for the same test tools as this workspace's catalog, so the tests a vendor runs are ours", () => {
    const catalog = parse(readFileSync(join(templateFolder(), '../../pnpm-workspace.yaml'), 'utf8')).catalog;
    const pkg = JSON.parse(file('package.json'));
    for (const [name, range] of Object.entries(pkg.devDependencies)) expect(range, name).toBe(catalog[name]);
  });
});
