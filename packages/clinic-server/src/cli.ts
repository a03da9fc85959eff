#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from './errors.js';
import { startClinicServer } from './server.js';
import { openSqliteStore } from './store/sqlite-store.js';

const HELP = {
  main: `Usage: clinic-server <command> [options]

Commands:
  start     run the clinic server: MQTT ingest into the clinic record
  export    print every stored reading, one Reading JSON document per line

Run \`clinic-server <command> --help\` for the options of one command.`,
  start: `Usage: clinic-server start --db <sqlite path> [options]

Options:
  --db <path>              the clinic record (SQLite file; created when missing)   [required]
  --broker <url>           an MQTT broker to use (mqtt://host:1883, mqtts://...). Without it the
                           server embeds one (MQTT 3.1.1) and prints its address
  --broker-port <n>        port of the embedded broker; 0 picks a free one (default 1883, or a
                           free port when 1883 is taken)
  --mqtt-version <4|5>     MQTT version towards --broker (default 5)
  --client-id <id>         persistent MQTT session id (default klinik-desa-ingest-<hostname>)
  --shared-group <name>    MQTT 5 shared subscription group, for several ingest processes
  --username <u>           broker user name (password from MQTT_PASSWORD)
  --log-level <level>      trace|debug|info|warn|error (default info)
  -h, --help               this help`,
  export: `Usage: clinic-server export --db <sqlite path>

Prints every stored reading as one JSON document per line, oldest first.`,
};

function fail(message: string): never {
  throw new ConfigError('USAGE', message);
}

function parseIntOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      db: { type: 'string' },
      broker: { type: 'string' },
      'broker-port': { type: 'string' },
      'mqtt-version': { type: 'string' },
      'client-id': { type: 'string' },
      'shared-group': { type: 'string' },
      username: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP.start);
    return 0;
  }
  if (!values.db) fail('--db <sqlite path> is required');
  if (values.broker && !/^(mqtts?|wss?|tcp|tls):\/\//.test(values.broker)) {
    fail(`--broker must be a URL such as mqtt://127.0.0.1:1883, not "${values.broker}"`);
  }
  const brokerPort = parseIntOption('broker-port', values['broker-port'], 0, 65535);
  const version = parseIntOption('mqtt-version', values['mqtt-version'], 4, 5);
  if (values['log-level']) process.env['LOG_LEVEL'] = values['log-level'];
  const server = await startClinicServer({
    db: values.db,
    ...(values.broker ? { brokerUrl: values.broker } : {}),
    ...(brokerPort !== undefined ? { brokerPort } : {}),
    ...(version !== undefined ? { protocolVersion: version as 4 | 5 } : {}),
    ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
    ...(values['shared-group'] ? { sharedGroup: values['shared-group'] } : {}),
    ...(values.username ? { username: values.username } : {}),
    ...(process.env['MQTT_PASSWORD'] ? { password: process.env['MQTT_PASSWORD'] } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

async function exportReadings(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HELP.export);
    return 0;
  }
  if (!values.db) fail('--db <sqlite path> is required');
  const store = openSqliteStore(values.db, { readonly: true });
  try {
    for await (const reading of store.exportReadings()) process.stdout.write(`${JSON.stringify(reading)}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return command === undefined ? 2 : 0;
  }
  if (command === 'start') return start(rest);
  if (command === 'export') return exportReadings(rest);
  console.error(`clinic-server: unknown command "${command}". Commands: start, export`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // parseArgs throws TypeErrors with a code such as ERR_PARSE_ARGS_UNKNOWN_OPTION: bad input too.
    const usage =
      error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`clinic-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = usage ? 2 : 1;
  },
);
