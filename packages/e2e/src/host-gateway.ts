import { type ChildProcess, spawn } from 'node:child_process';

/** A running gw_host (the firmware core on the host): what the agent sent it, and its complaints. */
export interface HostGateway {
  process: ChildProcess;
  /** Everything the agent wrote to the gateway (gw_host copies it to stdout). */
  received: () => string;
  stderr: () => string;
  /** Ends it with SIGTERM and waits for it to exit. */
  stop: () => Promise<void>;
  /** Ends it with SIGKILL, as a board losing its power does, and waits for it to exit. */
  kill: () => Promise<void>;
}

/** Starts `program` (a built gw_host) on `serialPath` with simulated BLE `devices` (see its usage). */
export function startHostGateway(
  program: string,
  serialPath: string,
  devices: readonly string[],
): HostGateway {
  const child = spawn(program, [serialPath, ...devices], { stdio: ['ignore', 'pipe', 'pipe'] });
  let received = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return {
    process: child,
    received: () => received,
    stderr: () => stderr,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

/** The RACP requests the agent wrote to the glucometer at `address`, as upper-case hex. */
export function racpRequests(gateway: HostGateway, address: string): string[] {
  const pattern = new RegExp(`\\$WRITE,\\d+,${address},1808,2A52,([0-9A-F]*)\\*`, 'g');
  return [...gateway.received().matchAll(pattern)].map((m) => m[1] as string);
}

/** gw_host's arguments for a glucometer at `address` holding these glucose records (hex values). */
export function hostMeter(address: string, records: readonly string[]): string[] {
  return [`meter:${address}`, ...records.map((record) => `record:${address},${record}`)];
}
