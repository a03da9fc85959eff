// Issue #23, "Kiosks at scale": `clinic-server kiosks provision/rotate/revoke` against a real
// Mosquitto with dynamic security and a real clinic server, with 50 kiosks publishing (one of them
// a real kiosk-agent run from its generated kiosk.yaml). Nothing is regenerated or reloaded: the
// broker is only ever changed through its administrator login.
import { closeSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@klinik-desa/clinic-server';
import { topics } from '@klinik-desa/protocol';
import {
  AGENT_CLI,
  type ClinicOnMosquitto,
  createPtyPair,
  MOSQUITTO_ADMIN_USER,
  type PtyPair,
  type RunningProcess,
  runTsCli,
  SERVER_CLI,
  startClinicOnMosquitto,
  startTsProcess,
  TEST_PAGE_PIN_HASH,
  waitFor,
} from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { weighing } from '../src/stack.js';
import { grantedQos } from '../src/suback.js';
import { weightReading } from '../src/weight-reading.js';

const PASSWORDS = { ingest: 'ingest-password-for-tests', admin: 'dynsec-admin-password-for-tests' };
const FLEET = 50;

interface Provisioned {
  clinicId: string;
  kioskId: string;
  mqttUsername: string;
  secret: string;
  config: string;
}

interface KioskYaml {
  kiosk: { id: string; clinicId: string };
  mqtt: { url: string; username: string; password: string };
}

const dir = mkdtempSync(join(tmpdir(), 'kd-kiosks-at-scale-'));
const db = join(dir, 'clinic.db');
let clinic: ClinicOnMosquitto;
let pty: PtyPair;
let agent: RunningProcess | undefined;
let fleet: Provisioned[] = [];
let clinicB: Provisioned[] = [];
const clients = new Map<string, MqttClient>();

/** The dynamic-security administrator's login, as an operator's shell has it. */
const adminEnv = () => ({
  MQTT_ADMIN_PASSWORD: PASSWORDS.admin,
  MQTT_ADMIN_USERNAME: MOSQUITTO_ADMIN_USER,
  MQTT_URL: clinic.broker.url,
});

/** `kiosks provision` as its own process; the JSON line of each kiosk it made. */
async function provision(
  clinicId: string,
  count: number,
  out: string,
  extra: string[],
  env: NodeJS.ProcessEnv = adminEnv(),
): Promise<Provisioned[]> {
  const proc = startTsProcess(
    'clinic-server kiosks provision',
    SERVER_CLI,
    [
      'kiosks',
      'provision',
      '--db',
      db,
      '--clinic',
      clinicId,
      '--count',
      String(count),
      '--out',
      out,
      '--broker-url',
      clinic.broker.url,
      ...extra,
    ],
    { env },
  );
  if ((await proc.exited) !== 0) throw new Error(`kiosks provision failed: ${proc.output()}`);
  return proc
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Provisioned);
}

/** Runs a kiosks command as its own process, so the clients of this test keep publishing meanwhile. */
async function kiosksCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const proc = startTsProcess('clinic-server kiosks', SERVER_CLI, ['kiosks', ...args, '--db', db], {
    env: adminEnv(),
  });
  const code = await proc.exited;
  return { code, output: proc.output() };
}

function readKioskYaml(path: string): KioskYaml {
  return parseYaml(readFileSync(path, 'utf8')) as KioskYaml;
}

/** A kiosk connected with the login its kiosk.yaml holds, or the broker's refusal. */
function connectAs(username: string, password: string): Promise<MqttClient | Error> {
  return mqtt
    .connectAsync(clinic.broker.url, {
      protocolVersion: 5,
      clientId: username,
      username,
      password,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    })
    .then(
      (c) => c,
      (e: Error) => e,
    );
}

async function connectFromYaml(path: string): Promise<MqttClient> {
  const config = readKioskYaml(path);
  const client = await connectAs(config.mqtt.username, config.mqtt.password);
  if (client instanceof Error) throw new Error(`${config.mqtt.username} was refused: ${client.message}`);
  clients.set(config.mqtt.username, client);
  return client;
}

function storedBy(clinicId: string): { kiosk_id: string; id: string }[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare('SELECT kiosk_id, id FROM readings WHERE clinic_id = ?').all(clinicId) as {
      kiosk_id: string;
      id: string;
    }[];
  } finally {
    sqlite.close();
  }
}

const storedIds = (clinicId: string) => new Set(storedBy(clinicId).map((r) => r.id));

/** One reading from each kiosk, acknowledged by the broker; their ids. */
async function publishRound(kiosks: readonly Provisioned[]): Promise<string[]> {
  return Promise.all(
    kiosks.map(async (k) => {
      const reading = weightReading(k.clinicId, k.kioskId);
      await clients
        .get(k.mqttUsername)!
        .publishAsync(topics.readings(k.clinicId, k.kioskId), JSON.stringify(reading), {
          qos: 1,
        });
      return reading.id;
    }),
  );
}

function writeScale(kg: number): void {
  const fd = openSync(pty.devicePath, 'w');
  try {
    writeSync(fd, Buffer.from(weighing(kg), 'latin1'));
  } finally {
    closeSync(fd);
  }
}

describe('kiosks at scale: provision, rotate and revoke live on Mosquitto with dynamic security', () => {
  beforeAll(async () => {
    // The record exists (empty) before Mosquitto's file is written from it.
    await (await openStore(db)).close();
    clinic = await startClinicOnMosquitto(db, PASSWORDS);
    pty = await createPtyPair('scale', dir);
    const template = join(dir, 'template.yaml');
    writeFileSync(
      template,
      [
        'mqtt: { protocolVersion: 5, reconnectMinMs: 100, reconnectMaxMs: 1000, receiptTimeoutSeconds: 5 }',
        `outbox: { path: "${join(dir, 'outbox.db')}" }`,
        `http: { port: 0, page: { pinHash: "${TEST_PAGE_PIN_HASH}" } }`,
        `devices: [{ id: scale-1, protocol: ad-scale, port: "${pty.agentPath}", baudRate: 9600 }]`,
        '',
      ].join('\n'),
    );
    const withTemplate = ['--template', template, '--api-url', clinic.server.httpUrl, '--new-clinic'];
    [fleet, clinicB] = await Promise.all([
      provision('clinic-a', FLEET, join(dir, 'clinic-a'), withTemplate),
      // Without the administrator's login: the record alone changes.
      provision('clinic-b', 1, join(dir, 'clinic-b'), withTemplate, {}),
    ]);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients.values()) await c.endAsync(true).catch(() => undefined);
    await agent?.stop();
    await pty?.close();
    await clinic?.stop();
  });

  it('makes 50 kiosks, each with a kiosk.yaml the real agent accepts, and every one delivers', async () => {
    expect(fleet.map((k) => k.kioskId)).toEqual(
      Array.from({ length: FLEET }, (_, i) => `kiosk-${String(i + 1).padStart(3, '0')}`),
    );
    for (const k of fleet) {
      expect(statSync(k.config).mode & 0o777).toBe(0o600);
      expect(readKioskYaml(k.config).mqtt.password).toBe(k.secret);
    }
    // The record keeps hashes only: no secret in the database or its WAL.
    const record = Buffer.concat([readFileSync(db), readFileSync(`${db}-wal`, { flag: 'a+' })]).toString(
      'latin1',
    );
    expect(fleet.filter((k) => record.includes(k.secret))).toEqual([]);

    const last = fleet.at(-1)!;
    const check = runTsCli(AGENT_CLI, ['check-config', '--config', last.config]);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/OK \(kiosk kiosk-050 of clinic clinic-a/);

    agent = startTsProcess('kiosk-agent', AGENT_CLI, ['start', '--config', last.config]);
    await agent.waitForLine(/device \S+ connected/);
    for (const k of fleet.slice(0, -1)) await connectFromYaml(k.config);
    await publishRound(fleet.slice(0, -1));
    writeScale(70);
    const kiosks = await waitFor(
      () => {
        const seen = new Set(storedBy('clinic-a').map((r) => r.kiosk_id));
        return seen.size === FLEET ? seen : undefined;
      },
      { timeoutMs: 30_000, what: `a reading of each of the ${FLEET} kiosks in the record` },
    );
    expect([...kiosks].sort()).toEqual(fleet.map((k) => k.kioskId));
  });

  it('revokes a kiosk while it publishes: closed at once, refused after, and the others keep delivering', async () => {
    const [victim, ...others] = fleet.slice(0, -1) as [Provisioned, ...Provisioned[]];
    const victimClient = clients.get(victim.mqttUsername)!;
    let sentWhileOpen = 0;
    const flood = setInterval(() => {
      const reading = weightReading(victim.clinicId, victim.kioskId);
      if (victimClient.connected) sentWhileOpen++;
      victimClient.publish(topics.readings(victim.clinicId, victim.kioskId), JSON.stringify(reading), {
        qos: 0,
      });
    }, 20);
    try {
      await waitFor(() => sentWhileOpen >= 5, { what: 'the kiosk publishing before its revocation' });
      const revoked = await kiosksCli(['revoke', '--clinic', 'clinic-a', '--kiosk', victim.kioskId]);
      expect(revoked.output).toMatch(/revoked clinic-a\/kiosk-001: Mosquitto refuses it/);
      expect(revoked.code).toBe(0);
      // The command returns once the broker answered: the connection is closed by then or a moment after.
      await waitFor(() => !victimClient.connected, {
        timeoutMs: 2000,
        what: 'the revoked kiosk disconnected',
      });
    } finally {
      clearInterval(flood);
    }
    expect(await connectAs(victim.mqttUsername, victim.secret)).toBeInstanceOf(Error);

    const ids = await publishRound(others);
    writeScale(64.5);
    await waitFor(
      () => {
        const stored = storedIds('clinic-a');
        return ids.every((id) => stored.has(id)) ? true : undefined;
      },
      { timeoutMs: 20_000, what: "the other kiosks' readings after the revocation" },
    );
    await waitFor(() => storedBy('clinic-a').filter((r) => r.kiosk_id === 'kiosk-050').length >= 2, {
      what: "the real agent's second reading",
    });
  });

  it('rotates a kiosk: its old secret is refused and its connection closed, the new kiosk.yaml works', async () => {
    const kiosk = fleet[1]!;
    const old = clients.get(kiosk.mqttUsername)!;
    expect(old.connected).toBe(true);
    // Clinic B's kiosk was made without the administrator: Mosquitto has it from its first rotation.
    const madeOffline = clinicB[0]!;
    expect(await connectAs(madeOffline.mqttUsername, madeOffline.secret)).toBeInstanceOf(Error);
    const out = join(dir, 'rotated');
    const rotate = (clinicId: string, kioskId: string) =>
      kiosksCli([
        'rotate',
        '--clinic',
        clinicId,
        '--kiosk',
        kioskId,
        '--out',
        out,
        '--broker-url',
        clinic.broker.url,
      ]);
    const [rotated, rotatedB] = await Promise.all([
      rotate('clinic-a', kiosk.kioskId),
      rotate('clinic-b', madeOffline.kioskId),
    ]);
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotatedB.code, rotatedB.output).toBe(0);
    await waitFor(() => !old.connected, {
      timeoutMs: 2000,
      what: 'the connection made with the old secret closed',
    });
    expect(await connectAs(kiosk.mqttUsername, kiosk.secret)).toBeInstanceOf(Error);

    const fresh = readKioskYaml(join(out, kiosk.kioskId, 'kiosk.yaml'));
    expect(fresh.mqtt.password).not.toBe(kiosk.secret);
    expect(rotated.output).toContain(fresh.mqtt.password);
    await connectFromYaml(join(out, kiosk.kioskId, 'kiosk.yaml'));
    const [id] = await publishRound([kiosk]);
    await waitFor(() => storedIds('clinic-a').has(id!), { what: 'a reading sent with the new secret' });

    const configB = join(out, madeOffline.kioskId, 'kiosk.yaml');
    clinicB[0] = { ...madeOffline, secret: readKioskYaml(configB).mqtt.password, config: configB };
    await connectFromYaml(configB);
  });

  it("keeps a kiosk of one clinic from publishing or reading as another clinic's kiosk", async () => {
    const b = clinicB[0]!;
    const a = fleet[2]!;
    const client = clients.get(b.mqttUsername)!;
    // Another clinic's topics: refused at subscribe (0x87), never delivered.
    expect(await grantedQos(client, topics.receipts(a.clinicId, a.kioskId))).toBeGreaterThanOrEqual(128);
    expect(await grantedQos(client, topics.readings(a.clinicId, a.kioskId))).toBeGreaterThanOrEqual(128);
    const forged = weightReading(a.clinicId, a.kioskId);
    client.publish(topics.readings(a.clinicId, a.kioskId), JSON.stringify(forged), { qos: 0 });
    // Its own reading, sent after, is stored: by then the forged one has passed the broker.
    const [own] = await publishRound([b]);
    await waitFor(() => storedIds('clinic-b').has(own!), { what: "clinic B's own reading" });
    expect(storedIds('clinic-a').has(forged.id)).toBe(false);
    // Nor can it log in under a kiosk of clinic A with its own secret.
    expect(await connectAs(a.mqttUsername, b.secret)).toBeInstanceOf(Error);
  });
});
