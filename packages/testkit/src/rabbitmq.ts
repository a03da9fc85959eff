import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from './ports.js';
import { type RunningProcess, startProcess } from './processes.js';

const run = promisify(execFile);

/** A RabbitMQ node of the test's own, with the MQTT plugin; never the system service on 5672. */
export interface RabbitNode {
  /** The node name, e.g. `kd3f9a1c@localhost`, for `rabbitmqctl -n`. */
  readonly node: string;
  readonly amqpPort: number;
  readonly mqttPort: number;
  /** `amqp://kd-admin:…@127.0.0.1:<port>`: an administrator user made at start. */
  readonly amqpUrl: string;
  readonly mqttUrl: string;
  readonly admin: { username: string; password: string };
  readonly dir: string;
  /** Runs `rabbitmqctl -n <node> <args>` and returns its standard output. */
  ctl(args: string[]): Promise<string>;
  /** A clean shutdown (`rabbitmqctl stop`); the data directory stays for `start`. */
  stop(): Promise<void>;
  /** SIGKILL to the node's processes, as a power cut would. */
  kill(): Promise<void>;
  /** Starts it again on the same ports with the same data directory. */
  start(): Promise<void>;
  /** Stops the node and deletes its directory. */
  remove(): Promise<void>;
  output(): string;
}

export class RabbitUnavailableError extends Error {
  readonly code = 'RABBITMQ_UNAVAILABLE';
  override readonly name = 'RabbitUnavailableError';
}

/** Where the Debian package puts the scripts that run a node in the foreground. */
function rabbitBin(name: 'rabbitmq-server' | 'rabbitmqctl'): string {
  for (const dir of ['/usr/lib/rabbitmq/bin', '/usr/sbin', '/usr/local/sbin', '/usr/bin']) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new RabbitUnavailableError(
    `${name} is not installed: the RabbitMQ tests start their own node (Debian/Ubuntu: sudo apt-get install rabbitmq-server; the service need not run)`,
  );
}

/**
 * Starts a RabbitMQ node on free loopback ports with its data, logs, plugins and configuration in
 * a directory of its own, and waits until it takes connections. A node that cannot start throws
 * RabbitUnavailableError with its log: a test never passes without its broker. `config` adds
 * lines to the node's rabbitmq.conf.
 */
export async function startRabbit(options: { config?: string[] } = {}): Promise<RabbitNode> {
  // A port free a moment ago can be taken before the node listens on it (rabbitmqctl's own Erlang
  // listeners take ephemeral ports, more so while several nodes start at once): new ports then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRabbitOnce(options);
    } catch (error) {
      if (!(error instanceof RabbitUnavailableError) || !/eaddrinuse/.test(error.message) || attempt >= 3)
        throw error;
    }
  }
}

async function startRabbitOnce(options: { config?: string[] }): Promise<RabbitNode> {
  const server = rabbitBin('rabbitmq-server');
  const ctlBin = rabbitBin('rabbitmqctl');
  const dir = mkdtempSync(join(tmpdir(), 'kd-rabbit-'));
  const [amqpPort, mqttPort, distPort] = [await freePort(), await freePort(), await freePort()];
  const node = `kd${randomBytes(4).toString('hex')}@localhost`;
  const admin = { username: 'kd-admin', password: randomBytes(12).toString('hex') };
  mkdirSync(join(dir, 'mnesia'));
  mkdirSync(join(dir, 'log'));
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
      `mqtt.listeners.tcp.default = 127.0.0.1:${mqttPort}`,
      'mqtt.allow_anonymous = false',
      // Our own users connect over loopback; the default guest user is deleted at start.
      'loopback_users = none',
      // A test node on a shared machine must not stop publishers at the default disk watermark.
      'disk_free_limit.absolute = 50MB',
      // Further `rabbitmq.conf` lines of the caller's (a bench's memory settings, say).
      ...(options.config ?? []),
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_LOGS: join(dir, 'log', 'rabbit.log'),
    // The script then execs the Erlang VM instead of waiting on it as a child: the process the
    // test started is the node itself, and a SIGKILL reaches it.
    RUNNING_UNDER_SYSTEMD: 'true',
  };
  const ctl = async (args: string[], timeoutMs = 60_000): Promise<string> => {
    const { stdout } = await run(ctlBin, ['-n', node, ...args], {
      env: { ...process.env, ...env },
      timeout: timeoutMs,
    });
    return stdout;
  };

  let proc: RunningProcess | undefined;
  let log = '';
  const awaitStartup = async (running: RunningProcess) => {
    const exited = running.exited.then((code) => {
      throw new RabbitUnavailableError(
        `the RabbitMQ node ${node} exited (${code}) before it was ready:\n${running.output().slice(-3000)}`,
      );
    });
    // `await_startup` fails at once while the VM has not yet registered the node name.
    const ready = waitFor(() => ctl(['await_startup'], 90_000).then(() => true), {
      what: `the RabbitMQ node ${node}`,
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    await Promise.race([ready, exited]);
  };
  const rabbit: RabbitNode = {
    node,
    amqpPort,
    mqttPort,
    amqpUrl: `amqp://${admin.username}:${admin.password}@127.0.0.1:${amqpPort}`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    admin,
    dir,
    ctl: (args) => ctl(args),
    output: () => log + (proc?.output() ?? ''),
    async start() {
      if (proc) throw new Error('the RabbitMQ node is already running');
      const running = startProcess('rabbitmq', server, [], { env });
      proc = running;
      try {
        await awaitStartup(running);
      } catch (error) {
        await rabbit.kill();
        if (error instanceof RabbitUnavailableError) throw error;
        throw new RabbitUnavailableError(
          `the RabbitMQ node ${node} did not start: ${(error as Error).message}\n${this.output().slice(-3000)}`,
        );
      }
    },
    async stop() {
      if (!proc) return;
      const running = proc;
      await ctl(['stop']).catch(() => undefined);
      await running.stop(10_000);
      proc = undefined;
      log += running.output();
    },
    async kill() {
      if (!proc) return;
      const running = proc;
      proc = undefined;
      // The script runs the Erlang VM as its child, which writes its own process id to the pid
      // file; the VM is killed by that id (the shared epmd stays).
      const pidFile = env['RABBITMQ_PID_FILE'] as string;
      const vm = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
      if (Number.isInteger(vm) && vm > 0) {
        try {
          process.kill(vm, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await running.kill9();
      log += running.output();
    },
    async remove() {
      await rabbit.stop().catch(() => rabbit.kill());
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await rabbit.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  await ctl(['add_user', admin.username, admin.password]);
  await ctl(['set_user_tags', admin.username, 'administrator']);
  await ctl(['set_permissions', '-p', '/', admin.username, '.*', '.*', '.*']);
  await ctl(['delete_user', 'guest']).catch(() => undefined);
  return rabbit;
}
