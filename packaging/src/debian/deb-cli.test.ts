import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./deb-cli.ts', import.meta.url));

function deb(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('pnpm deb', () => {
  it('prints its help and exits 0', () => {
    const r = deb(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pnpm deb \[--arch amd64\|arm64\]/);
  });

  it.each([
    [['--arch', 'armhf'], 'deb: --arch must be amd64 or arm64, not "armhf"; see pnpm deb --help'],
    [['--sign'], "deb: Unknown option '--sign'; see pnpm deb --help"],
    [['arm64'], 'deb: unexpected argument "arm64"; see pnpm deb --help'],
  ])('answers %j with one line and exit 2, building nothing', (args, line) => {
    const r = deb(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.stdout).toBe('');
  });
});
