import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../../../examples/ble-gateway-esp32', import.meta.url));

/** A host build of the gateway firmware's core (with ASan and UBSan), in a temporary folder. */
export interface GatewayCoreBuild {
  /** The path of a built program: `gw_host` or `gw_lines`. */
  program(name: 'gw_host' | 'gw_lines'): string;
  remove(): void;
}

/** Configures and builds the named programs of examples/ble-gateway-esp32 with CMake. */
export function buildGatewayCore(targets: readonly ('gw_host' | 'gw_lines')[]): GatewayCoreBuild {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-core-'));
  const step = (args: string[]) => {
    const result = spawnSync('cmake', args, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(
        `cmake ${args.join(' ')} failed:\n${result.stdout}${result.stderr}${result.error ?? ''}`,
      );
  };
  step(['-S', SOURCE, '-B', dir]);
  step(['--build', dir, '-j2', ...targets.flatMap((t) => ['--target', t])]);
  return {
    program: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
