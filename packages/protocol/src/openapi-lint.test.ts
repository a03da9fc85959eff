// docs/openapi.yaml is the HTTP contract partner apps generate clients from: the two linters they
// are most likely to run, Redocly and Spectral, with the recommended rules chosen in redocly.yaml
// and .spectral.yaml at the repository's root, must find nothing in it, not even a warning. The
// CLIs run as a developer runs them, so what passes here passes there.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const document = join(root, 'docs/openapi.yaml');
const require = createRequire(import.meta.url);

/** The path of a package's command-line script, as its package.json names it. */
function binOf(pkg: string, name: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin[name]!);
}

/** Runs a CLI with node; its standard output whatever its exit code (a linter exits 1 on findings). */
function run(script: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, ...args],
      {
        cwd: root,
        maxBuffer: 32 * 1024 * 1024,
        // No telemetry or update check: the test runs offline and sends nothing anywhere.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
      (error, stdout, stderr) => {
        if (error && !stdout) reject(new Error(`${script} failed: ${stderr || error.message}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

describe('docs/openapi.yaml', () => {
  it('has no error or warning from `redocly lint` (recommended rules)', async () => {
    const { stdout } = await run(binOf('@redocly/cli', 'redocly'), [
      'lint',
      document,
      '--config',
      join(root, 'redocly.yaml'),
      '--format',
      'json',
    ]);
    const report = JSON.parse(stdout) as {
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };
    const lines = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? '(document)'}: ${p.message}`,
    );
    expect(lines, `redocly lint:\n${lines.join('\n')}`).toEqual([]);
  }, 60_000);

  it('has no error or warning from `spectral lint` (spectral:oas)', async () => {
    const { stdout } = await run(binOf('@stoplight/spectral-cli', 'spectral'), [
      'lint',
      document,
      '--ruleset',
      join(root, '.spectral.yaml'),
      '--format',
      'json',
      '--quiet',
    ]);
    const severity = ['error', 'warning', 'information', 'hint'];
    const results = JSON.parse(stdout) as {
      code: string;
      severity: number;
      message: string;
      path: string[];
    }[];
    const lines = results
      .filter((r) => r.severity <= 1)
      .map((r) => `${severity[r.severity]} ${r.code} at ${r.path.join('.') || '(document)'}: ${r.message}`);
    expect(lines, `spectral lint:\n${lines.join('\n')}`).toEqual([]);
  }, 60_000);
});
