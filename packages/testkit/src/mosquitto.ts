import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.js';
import { type RunningProcess, startProcess } from './processes.js';

export interface MosquittoOptions {
  /** Extra lines for mosquitto.conf (listener and persistence are set already). */
  extraConfig?: string[];
  /** Password file and ACL file contents, for tests of per-kiosk credentials. */
  passwordFile?: string;
  aclFile?: string;
  /**
   * A dynamic-security.json (as `clinic-server mosquitto-config` writes it): loads Mosquitto's
   * dynamic security plugin with it and refuses anonymous clients.
   */
  dynamicSecurity?: string;
  /**
   * Makes the one listener TLS only (PEM files: the CA, the broker's certificate and its key); the
   * broker's `url` is then mqtts://. No plain listener is left.
   */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

export interface MosquittoBroker {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
  /** The broker's process id while it runs (benchmarks read its CPU time from /proc). */
  pid(): number | undefined;
  /** Starts it again on the same port with the same persistence file. */
  start(): Promise<void>;
  output(): string;
}

export function mosquittoBinary(): string {
  for (const candidate of ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto']) {
    try {
      execFileSync(candidate, ['-h'], { stdio: 'ignore' });
      return candidate;
    } catch (error) {
      // `mosquitto -h` exits 3 after printing help: the binary is there.
      if ((error as { status?: number }).status === 3) return candidate;
    }
  }
  throw new Error('mosquitto is not installed: run the test command from README.md, which installs it');
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real Mosquitto on a free loopback port, never the system one at 1883: tests stop and restart
 * it to play a broken network. Persistence is on, as in production, so a restart keeps sessions.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoBroker> {
  const binary = mosquittoBinary();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kd-mosquitto-'));
  // Started as root, mosquitto drops to its own user, which could then neither write its
  // persistence file nor read the 0600 password and ACL files: a test broker keeps root's rights.
  chmodSync(dir, 0o700);
  const lines = [
    `listener ${port} 127.0.0.1`,
    ...(options.tls
      ? [`cafile ${options.tls.caFile}`, `certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`]
      : []),
    'persistence true',
    `persistence_location ${dir}/`,
    'autosave_interval 1',
    'max_queued_messages 100000',
    'max_inflight_messages 100',
    'log_dest stdout',
    'log_type error',
    'log_type warning',
    ...(process.getuid?.() === 0 ? ['user root'] : []),
  ];
  if (options.dynamicSecurity !== undefined) {
    writeFileSync(join(dir, 'dynamic-security.json'), options.dynamicSecurity, { mode: 0o600 });
    lines.push(
      'allow_anonymous false',
      `plugin ${DYNSEC_PLUGIN}`,
      `plugin_opt_config_file ${dir}/dynamic-security.json`,
    );
  } else if (options.passwordFile !== undefined) {
    writeFileSync(join(dir, 'passwd'), options.passwordFile, { mode: 0o600 });
    lines.push(`password_file ${dir}/passwd`, 'allow_anonymous false');
  } else {
    lines.push('allow_anonymous true');
  }
  if (options.aclFile !== undefined) {
    writeFileSync(join(dir, 'acl'), options.aclFile, { mode: 0o600 });
    lines.push(`acl_file ${dir}/acl`);
  }
  lines.push(...(options.extraConfig ?? []));
  writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);

  let proc: RunningProcess | undefined;
  let log = '';
  const broker: MosquittoBroker = {
    port,
    url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    dir,
    output: () => log + (proc?.output() ?? ''),
    pid: () => proc?.child.pid,
    async start() {
      if (proc) throw new Error('mosquitto is already running');
      proc = startProcess('mosquitto', binary, ['-c', join(dir, 'mosquitto.conf')]);
      await waitFor(() => portOpen(port), { what: `mosquitto on port ${port}`, timeoutMs: 10_000 });
    },
    async stop() {
      if (!proc) return;
      const running = proc;
      proc = undefined;
      await running.stop(3000);
      log += running.output();
    },
  };
  await broker.start();
  return broker;
}
