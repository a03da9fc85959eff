import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@klinik-desa/protocol';
import {
  AGENT_CLI,
  createPtyPair,
  type MosquittoBroker,
  type PtyPair,
  type RunningProcess,
  SERVER_CLI,
  startMosquitto,
  startTsProcess,
  TEST_PAGE_PIN_HASH,
  type TlsFiles,
  unlockKioskPage,
  waitFor,
} from '@klinik-desa/testkit';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';

export interface StackOptions {
  mqttVersion: 4 | 5;
  /** The device line of the kiosk config; default: the scale on the pty by path. */
  deviceYaml?: (stack: Stack) => string;
  /** Runs once the clinic server is up and before the agent starts (register kiosks, patients...). */
  beforeAgent?: (stack: Stack) => Promise<void>;
  /** Extra top-level lines for the kiosk config. */
  extraYaml?: (stack: Stack) => string[];
  /** Seconds the agent waits for a receipt before sending a reading again. */
  receiptTimeoutSeconds?: number;
  /** Extra lines for mosquitto.conf. */
  brokerConfig?: string[];
  /** The outbox's cap (at least 100); it warns at 80% of it. */
  outboxCapacity?: number;
  /** The agent's local API port; default a free one at each start. Fix it to restart the agent under the same page. */
  httpPort?: number;
  /** Minutes without use before the kiosk page locks (fractions for tests); default 3. */
  pageLockAfterMinutes?: number;
  /** Where the clinic record's file lives (a small tmpfs, to fill it); default the stack's folder. */
  clinicDir?: string;
  /** Extra environment of the agent process only (e.g. libfaketime's). */
  agentEnv?: (stack: Stack) => NodeJS.ProcessEnv;
  /** The clinic server's config file (clinic.yaml lines, e.g. its SATUSEHAT section) and environment. */
  clinicConfig?: { yaml: string[]; env?: NodeJS.ProcessEnv };
  /** The folder of the kiosk's outbox (e.g. a small tmpfs); default the stack's own. */
  outboxDir?: string;
  /** Extra keys of the kiosk config's `outbox:` line, e.g. `disk: { reserveMb: 1 }`. */
  outboxYaml?: string;
  /**
   * A TLS-only broker with these files: the server trusts the CA through --broker-ca, the agent
   * through mqtt.caFile, both on mqtts://.
   */
  tls?: TlsFiles;
  /** More serial cables, one socat pty pair each, by name: `port(name)` gives its paths. */
  serialPorts?: readonly string[];
}

/**
 * The production path on one machine, every part a real process: a socat pty pair for the scale
 * cable, real Mosquitto, the clinic server on SQLite, and the kiosk agent.
 */
export class Stack {
  readonly dir = mkdtempSync(join(tmpdir(), 'kd-e2e-'));
  readonly clinicDb: string;
  broker!: MosquittoBroker;
  server!: RunningProcess;
  agent!: RunningProcess;
  pty!: PtyPair;
  private deviceFd: number | undefined;
  private readonly ports = new Map<string, { pty: PtyPair; fd?: number }>();
  /** The clinic server's API, e.g. http://127.0.0.1:41234. */
  clinicApiUrl = '';

  constructor(private readonly options: StackOptions) {
    this.clinicDb = join(options.clinicDir ?? this.dir, 'clinic.db');
  }

  get outboxDb(): string {
    return join(this.options.outboxDir ?? this.dir, 'outbox.db');
  }

  async start(): Promise<this> {
    this.broker = await startMosquitto({
      ...(this.options.brokerConfig ? { extraConfig: this.options.brokerConfig } : {}),
      ...(this.options.tls ? { tls: this.options.tls } : {}),
    });
    this.pty = await createPtyPair('scale', this.dir);
    for (const name of this.options.serialPorts ?? [])
      this.ports.set(name, { pty: await createPtyPair(name, this.dir) });
    await this.startServer();
    await this.options.beforeAgent?.(this);
    this.startAgent();
    await this.agent.waitForLine(/device \S+ connected/);
    return this;
  }

  /** Starts the clinic server; again on the port it had, when it had one (the kiosk config names it). */
  async startServer(): Promise<void> {
    const port = this.clinicApiUrl ? new URL(this.clinicApiUrl).port : '0';
    this.server = startTsProcess(
      'clinic-server',
      SERVER_CLI,
      [
        'start',
        '--db',
        this.clinicDb,
        '--broker',
        this.broker.url,
        '--mqtt-version',
        String(this.options.mqttVersion),
        '--client-id',
        `ingest-${this.broker.port}`,
        '--port',
        port,
        ...(this.options.tls ? ['--broker-ca', this.options.tls.caFile] : []),
        ...this.clinicConfigArgs(),
      ],
      { env: this.options.clinicConfig?.env ?? {} },
    );
    await this.server.waitForLine(/clinic server ready/);
    const [, apiUrl] = await this.server.waitForLine(/clinic API listening on (http:\/\/[\d.]+:\d+)/);
    this.clinicApiUrl = apiUrl as string;
  }

  private clinicConfigArgs(): string[] {
    if (!this.options.clinicConfig) return [];
    const file = join(this.dir, 'clinic.yaml');
    writeFileSync(file, [...this.options.clinicConfig.yaml, ''].join('\n'));
    return ['--config', file];
  }

  startAgent(): RunningProcess {
    const config = join(this.dir, 'kiosk.yaml');
    writeFileSync(
      config,
      [
        'kiosk: { id: kiosk-1, clinicId: clinic-1 }',
        `mqtt: { url: "${this.broker.url}", protocolVersion: ${this.options.mqttVersion}, reconnectMinMs: 100, reconnectMaxMs: 1000, receiptTimeoutSeconds: ${this.options.receiptTimeoutSeconds ?? 5}${this.options.tls ? `, caFile: "${this.options.tls.caFile}"` : ''} }`,
        `outbox: { path: "${this.outboxDb}"${this.options.outboxCapacity ? `, capacity: ${this.options.outboxCapacity}` : ''}${this.options.outboxYaml ? `, ${this.options.outboxYaml}` : ''} }`,
        `http: { port: ${this.options.httpPort ?? 0}, page: { pinHash: "${TEST_PAGE_PIN_HASH}", lockAfterMinutes: ${this.options.pageLockAfterMinutes ?? 3} } }`,
        'devices:',
        this.options.deviceYaml?.(this) ??
          `  - { id: scale-1, protocol: ad-scale, port: "${this.pty.agentPath}", baudRate: 9600 }`,
        ...(this.options.extraYaml?.(this) ?? []),
        '',
      ].join('\n'),
    );
    const env = this.options.agentEnv?.(this);
    this.agent = startTsProcess('kiosk-agent', AGENT_CLI, ['start', '--config', config], env ? { env } : {});
    return this.agent;
  }

  /** The agent's local API, from its log line. */
  async apiUrl(): Promise<string> {
    const [, url] = await this.agent.waitForLine(/local API on (http:\/\/127\.0\.0\.1:\d+)/);
    return url as string;
  }

  /** Unlocks the kiosk page with the test PIN: the `cookie` header the local API's calls need. */
  async pageCookie(): Promise<string> {
    return unlockKioskPage(await this.apiUrl());
  }

  /** Plugs the scale's cable in again as a new pty pair (the old one must be closed). */
  async replug(name: string): Promise<PtyPair> {
    if (this.deviceFd !== undefined) closeSync(this.deviceFd);
    this.deviceFd = undefined;
    this.pty = await createPtyPair(name, this.dir);
    return this.pty;
  }

  /** Writes raw bytes into the scale's end of the cable. */
  write(data: string | Uint8Array): void {
    this.deviceFd ??= openSync(this.pty.devicePath, 'w');
    writeSync(this.deviceFd, typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** One of the `serialPorts` cables. */
  port(name: string): PtyPair {
    return this.namedPort(name).pty;
  }

  /** Writes raw bytes into the device end of one of the `serialPorts` cables. */
  writeTo(name: string, data: string | Uint8Array): void {
    const port = this.namedPort(name);
    port.fd ??= openSync(port.pty.devicePath, 'w');
    writeSync(port.fd, typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  private namedPort(name: string): { pty: PtyPair; fd?: number } {
    const port = this.ports.get(name);
    if (!port) throw new Error(`no serial port ${name}: name it in the stack's serialPorts`);
    return port;
  }

  records(): Reading[] {
    try {
      const db = new Database(this.clinicDb, { readonly: true, fileMustExist: true });
      const rows = db.prepare('SELECT body FROM readings ORDER BY id').all() as { body: string }[];
      db.close();
      return rows.map((r) => JSON.parse(r.body) as Reading);
    } catch {
      return [];
    }
  }

  outboxDepth(): number {
    const db = new Database(this.outboxDb, { readonly: true, fileMustExist: true });
    const n = (
      db.prepare("SELECT count(*) AS n FROM outbox WHERE state != 'received'").get() as { n: number }
    ).n;
    db.close();
    return n;
  }

  async waitForRecords(n: number, timeoutMs = 30_000): Promise<Reading[]> {
    return waitFor(
      () => {
        const rows = this.records();
        return rows.length >= n ? rows : undefined;
      },
      { timeoutMs, what: `${n} readings in the clinic record (have ${this.records().length})` },
    );
  }

  async waitForEmptyOutbox(timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.outboxDepth() === 0, { timeoutMs, what: 'an empty kiosk outbox' });
  }

  async stop(): Promise<void> {
    if (this.deviceFd !== undefined) closeSync(this.deviceFd);
    for (const { fd } of this.ports.values()) if (fd !== undefined) closeSync(fd);
    await Promise.allSettled([this.agent?.stop(), this.server?.stop()]);
    await this.pty?.close();
    await Promise.allSettled([...this.ports.values()].map(({ pty }) => pty.close()));
    await this.broker?.stop();
  }
}

/**
 * Stops each test's stack after the test, also when it failed half-way through starting. Call it
 * in a describe block; in each test, `const stack = track(new Stack({...}))`, then start it.
 */
export function stackPerTest(): (stack: Stack) => Stack {
  let current: Stack | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return (stack) => {
    current = stack;
    return stack;
  };
}

/** A&D lines for one person weighed: settling, the stable line repeated, stepping off. */
export function weighing(kg: number, repeats = 4): string {
  const field = (v: number) => `${v < 0 ? '-' : '+'}${Math.abs(v).toFixed(2).padStart(8, '0')}`;
  const line = (h: string, v: number) => `${h},${field(v)} kg\r\n`;
  return [
    line('US', kg * 0.5),
    line('US', kg * 1.01),
    ...Array.from({ length: repeats }, () => line('ST', kg)),
    line('US', kg * 0.3),
    line('ST', 0),
  ].join('');
}
