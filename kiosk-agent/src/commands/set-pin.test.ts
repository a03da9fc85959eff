import { chownSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TEST_PAGE_PIN, TEST_PAGE_PIN_HASH } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { main } from '../cli-main.js';
import { loadConfig } from '../config/config.js';
import { verifyPagePin } from '../config/page-pin.js';
import { checkConfigCommand } from './check-config.js';
import { setPinCommand } from './set-pin.js';

const CONFIG = `# the kiosk at Desa Sukamaju
kiosk: { id: kiosk-1, clinicId: clinic-1 }
mqtt: { url: "mqtt://127.0.0.1:1883" } # the clinic's broker
outbox: { path: outbox.db }
http:
  port: 8710
devices:
  - { id: scale-1, protocol: ad-scale, port: tcp://127.0.0.1:4001 }
`;

function kioskYaml(text = CONFIG): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kd-set-pin-')), 'kiosk.yaml');
  writeFileSync(path, text, { mode: 0o640 });
  return path;
}

async function setPin(path: string, input: string) {
  const out: string[] = [];
  const code = await setPinCommand(['--config', path], {
    stdout: (l) => out.push(l),
    stderr: (l) => out.push(l),
    stdin: Readable.from([input]),
  });
  return { code, out: out.join('\n') };
}

describe('kiosk-agent set-pin', () => {
  it("writes the PIN's scrypt hash into http.page and keeps the rest of the file as it was", async () => {
    const path = kioskYaml();
    const { code, out } = await setPin(path, '482913\n');
    expect(code).toBe(0);
    expect(out).toMatch(/PIN set .*Restart the agent/);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('482913');
    expect(text).toContain('# the kiosk at Desa Sukamaju');
    expect(text).toContain("# the clinic's broker");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    const hash = loadConfig(path).http.page.pinHash as string;
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPagePin('482913', hash)).toBe(true);
    expect(await verifyPagePin('482914', hash)).toBe(false);
    // Set again: a new salt, the old PIN no longer opens.
    await setPin(path, '1357\n');
    const next = loadConfig(path).http.page.pinHash as string;
    expect(await verifyPagePin('482913', next)).toBe(false);
    expect(await verifyPagePin('1357', next)).toBe(true);
  });

  // A packaged kiosk's config is root:klinik-desa-kiosk 0640 and the operator runs set-pin as root.
  it.skipIf(process.getuid?.() !== 0)(
    "keeps the file's owner and group (as root only: it chowns)",
    async () => {
      const path = kioskYaml();
      chownSync(path, 0, 20);
      expect((await setPin(path, '2468\n')).code).toBe(0);
      const after = statSync(path);
      expect([after.uid, after.gid, after.mode & 0o777]).toEqual([0, 20, 0o640]);
    },
  );

  it('refuses a PIN that is not 4 to 8 digits and leaves the file alone', async () => {
    const path = kioskYaml();
    for (const bad of ['123\n', '123456789\n', 'abcd\n', '\n']) {
      await expect(setPin(path, bad)).rejects.toThrow(/4 to 8 digits/);
    }
    expect(readFileSync(path, 'utf8')).toBe(CONFIG);
  });

  it('explains itself in --help', async () => {
    const lines: string[] = [];
    expect(
      await main(['set-pin', '--help'], { stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) }),
    ).toBe(0);
    expect(lines.join('\n')).toMatch(/health worker's PIN[\s\S]*without echo[\s\S]*http\.page\.pinHash/);
  });

  it('the test kiosks share one PIN: its hash is the one set-pin would accept', async () => {
    expect(await verifyPagePin(TEST_PAGE_PIN, TEST_PAGE_PIN_HASH)).toBe(true);
  });
});

describe('kiosk-agent check-config', () => {
  it('notes a kiosk without a page PIN, naming set-pin, and not once one is set', async () => {
    const path = kioskYaml();
    const run = async () => {
      const out: string[] = [];
      const code = await checkConfigCommand(['--config', path], {
        stdout: (l) => out.push(l),
        stderr: (l) => out.push(l),
      });
      return { code, out: out.join('\n') };
    };
    const before = await run();
    expect(before.code).toBe(0);
    expect(before.out).toContain(
      `http.page.pinHash is not set: the kiosk page cannot be unlocked; fix: kiosk-agent set-pin --config ${path}`,
    );
    await setPin(path, '482913\n');
    expect((await run()).out).not.toContain('pinHash');
  });
});
