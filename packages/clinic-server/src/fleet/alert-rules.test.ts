// The Prometheus alert rules shipped in deploy/prometheus: valid for promtool, passing their own
// unit tests, and naming only metrics this server exports.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET_THRESHOLDS, registerFleetMetrics } from './index.js';

const dir = fileURLToPath(new URL('../../../../deploy/prometheus/', import.meta.url));
const RULES = 'klinik-desa-alerts.yml';
const RULE_TESTS = 'klinik-desa-alerts.test.yml';

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'promtool is not installed: run .ci/system-deps.sh as root, or apt-get install prometheus (Debian), and run this test again',
      );
    }
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe('deploy/prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    expect(promtool('check', 'rules', RULES)).toContain('SUCCESS: 8 rules found');
  });

  it('pass their promtool unit tests', () => {
    expect(promtool('test', 'rules', RULE_TESTS)).toContain('SUCCESS');
  });

  it('name only metrics the clinic server exports', async () => {
    const registry = new Registry();
    registerFleetMetrics({
      registry,
      now: () => new Date('2026-12-07T12:00:00.000Z'),
      thresholds: DEFAULT_FLEET_THRESHOLDS,
      facts: async () => ({ kiosks: [], clinics: [] }),
    });
    const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const named = new Set(readFileSync(`${dir}${RULES}`, 'utf8').match(/\bkd_[a-z0-9_]+/g));
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((n) => !exported.has(n))).toEqual([]);
  });
});
