import type { CommandIo } from '../cli-support.js';
import { loadConfig } from '../config/config.js';
import { loadCommandDrivers } from '../drivers/load-drivers.js';

/** The options by which a one-shot command (decode, protocols, simulate) is told about vendor drivers. */
export const DRIVER_OPTIONS = {
  config: { type: 'string', short: 'c' },
  driver: { type: 'string', short: 'd', multiple: true },
} as const;

export const DRIVER_HELP = `  -c, --config <path>     load the vendor drivers this kiosk config names (drivers:)
  -d, --driver <pkg>      load a vendor driver package, or a path to one, too (repeatable)`;

/**
 * Loads the drivers of a one-shot command as `start` does, printing each refused one on its own
 * line. False when one was refused: the command's answer would be about another set of drivers.
 */
export async function loadDriversOf(
  values: { config?: string | undefined; driver?: string[] | undefined },
  io: CommandIo,
): Promise<boolean> {
  const configured = values.config ? loadConfig(values.config).drivers : [];
  const { refused } = await loadCommandDrivers({
    configPath: values.config,
    configured,
    flags: values.driver,
  });
  for (const refusal of refused) io.stderr(`${refusal.code}: ${refusal.message}`);
  return refused.length === 0;
}
