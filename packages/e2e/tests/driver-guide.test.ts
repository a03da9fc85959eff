// The vendor guide (docs/driver-guide.md), run as a device maker runs it: every ```sh test block,
// in order, in one shell, in an empty folder. The agent and the devices package come from a
// loopback npm registry serving this workspace's packed packages (the public registry for
// everything else); the clinic is a real clinic server on a real Mosquitto with dynamic security,
// and the kiosk the guide configures is registered there as an administrator would. The guide
// creates a driver with `new-driver`, runs its tests as created, packs it, installs it beside
// kiosk.yaml, starts the agent and simulates the device: the reading must be in the clinic's record
// exactly once.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureBuilt,
  packPackages,
  prebuildCacheEnv,
  publicPackages,
  repoRoot,
  run,
} from '@klinik-desa/packaging';
import type { KioskCredentials } from '@klinik-desa/protocol';
import {
  ApiTestClient,
  type ClinicOnMosquitto,
  createAdminClient,
  freePort,
  startClinicOnMosquitto,
  waitFor,
} from '@klinik-desa/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRegistry, startLocalRegistry } from '../src/local-registry.js';

const GUIDE = join(repoRoot, 'docs', 'driver-guide.md');

/** The guide's runnable blocks, in order: fences opened with ```sh test. */
export function guideScript(markdown: string): string {
  const blocks = [...markdown.matchAll(/^```sh test\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return ['set -euo pipefail', ...blocks].join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'kd-driver-guide-'));
let registry: LocalRegistry;
let clinic: ClinicOnMosquitto;
let admin: ApiTestClient;

beforeAll(async () => {
  const packages = publicPackages();
  ensureBuilt(packages);
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  registry = await startLocalRegistry(packPackages(packages, tarballs), dir);
  const db = join(dir, 'clinic.db');
  // The administrator first: making it makes the record the broker's configuration is written from.
  const creds = createAdminClient(db, ['clinic-1']);
  clinic = await startClinicOnMosquitto(db, { ingest: 'ingest-secret-guide', admin: 'admin-secret-guide' });
  admin = await new ApiTestClient(clinic.server.httpUrl, creds.clientId, creds.clientSecret).signIn();
}, 600_000);

afterAll(async () => {
  await clinic?.stop();
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the vendor guide', () => {
  it('has runnable blocks from the workbench to the agent status', () => {
    const script = guideScript(readFileSync(GUIDE, 'utf8'));
    for (const step of ['new-driver', 'npm test', 'npm pack', 'check-config', 'simulate', 'status'])
      expect(script).toContain(step);
    // The vendor-Bluetooth section: its driver decodes a value, and a gateway config naming it checks.
    expect(script).toContain('decode --driver ./kd-therm --protocol kd-therm');
    expect(script).toContain('check-config --config kiosk-ble.yaml');
  });

  it('takes a vendor from new-driver to a reading in the clinic record, with every command as written', async () => {
    const registered = await admin.request<KioskCredentials>('POST', '/kiosks', {
      clinicId: 'clinic-1',
      kioskId: 'kiosk-vendor-test',
    });
    expect(registered.status).toBe(201);
    const kiosk = registered.body;

    const work = join(dir, 'vendor');
    mkdirSync(work);
    const script = join(dir, 'guide.sh');
    writeFileSync(script, guideScript(readFileSync(GUIDE, 'utf8')));
    // Its own process group: the agent and socat the guide leaves running end with it.
    const shell = spawn('bash', [script], {
      cwd: work,
      detached: true,
      env: {
        ...process.env,
        ...prebuildCacheEnv(),
        NPM_CONFIG_USERCONFIG: registry.npmrc,
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        CLINIC_BROKER_URL: clinic.broker.url,
        CLINIC_ID: kiosk.clinicId,
        KIOSK_ID: kiosk.kioskId,
        MQTT_USERNAME: kiosk.mqttUsername,
        MQTT_PASSWORD: kiosk.mqttPassword,
        KIOSK_PAGE_PORT: String(await freePort()),
      },
    });
    let output = '';
    shell.stdout.on('data', (chunk) => (output += chunk));
    shell.stderr.on('data', (chunk) => (output += chunk));
    const agentLog = () => {
      try {
        return readFileSync(join(work, 'workbench', 'agent.log'), 'utf8').slice(-3000);
      } catch {
        return '(no agent.log)';
      }
    };
    try {
      const code = await new Promise<number | null>((resolve) => shell.on('exit', resolve));
      if (code !== 0)
        throw new Error(
          `the guide's commands failed (exit ${code}):\n${output.slice(-6000)}\n--- agent.log:\n${agentLog()}`,
        );
    } finally {
      try {
        process.kill(-shell.pid!, 'SIGTERM');
      } catch {
        // The group is gone already.
      }
    }
    // Without the colours vitest and npm print.
    output = output.replace(/\x1b\[[0-9;]*m/g, '');
    expect(output).toMatch(/created @acme\/thermo-t1 \(protocol thermo-t1\)/);
    expect(output).toMatch(/Tests +\d+ passed/);
    expect(output).toMatch(/outbox: 0 waiting for the clinic/);

    type Reading = { kioskId: string; kind: string; value?: number; measurement?: unknown };
    const unassigned = await waitFor(
      async () => {
        const r = await admin.request<{ data: Reading[] }>('GET', '/readings/unassigned?clinicId=clinic-1');
        return r.status === 200 && r.body.data.length > 0 ? r.body.data : undefined;
      },
      { timeoutMs: 10_000, what: 'the reading among the unassigned readings' },
    );
    expect(unassigned).toHaveLength(1);
    expect(JSON.stringify(unassigned[0])).toContain('37.8');
    expect(unassigned[0]).toMatchObject({ kioskId: 'kiosk-vendor-test' });

    // The package as made also type-checks: what a vendor's editor would show.
    run('npm', ['run', 'typecheck'], { cwd: join(work, 'workbench', 'thermo-t1') });
  }, 900_000);
});
