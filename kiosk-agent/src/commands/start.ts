import { parseArgs } from 'node:util';
import { Agent } from '../agent.js';
import { type Command, UsageError } from '../cli-support.js';
import { loadConfig } from '../config/config.js';
import { loadCommandDrivers } from '../drivers/load-drivers.js';
import { createLogger } from '../logger.js';

const HELP = `Usage: kiosk-agent start --config <kiosk.yaml>

Runs the agent until stopped (SIGINT or SIGTERM): reads the devices in the config, keeps every
reading in the outbox on disk, and publishes it to the clinic until the clinic's receipt arrives.

Options:
  -c, --config <path>   the kiosk config file (YAML)                      [required]
  -d, --driver <pkg>    load a vendor driver package or path too, beside those in the
                        config's drivers: (repeatable)
  --log-level <level>   trace|debug|info|warn|error (default info)
  -h, --help            this help`;

export const startCommand: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      driver: { type: 'string', short: 'd', multiple: true },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.config) throw new UsageError('--config <kiosk.yaml> is required');
  const config = loadConfig(values.config);
  const log = createLogger(values['log-level']);
  // A refused driver does not stop the kiosk: the agent reports it and runs the other devices.
  const drivers = await loadCommandDrivers({
    configPath: values.config,
    configured: config.drivers,
    flags: values.driver,
  });
  const agent = new Agent(config, log, {}, drivers);
  await agent.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await agent.stop();
  log.info('kiosk agent stopped');
  // Everything is closed and on disk now. serialport's Linux binding can keep the event loop alive
  // after a port closed (a pending read on a pty or adapter that never sent anything), and systemd
  // would then wait for its stop timeout and kill the agent: the exit is made explicit instead.
  setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
  return 0;
};
