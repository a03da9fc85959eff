#!/usr/bin/env node
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClientRole, ClinicId, newUuidV7 } from '@klinik-desa/protocol';
import { openApiYaml } from './api/openapi.js';
import { BACKUP_HELP, backupCommand, RESTORE_HELP, restoreCommand } from './cli/backup-command.js';
import { kiosksCommand } from './cli/kiosks-command.js';
import { fail, parseIntOption } from './cli/usage.js';
import { accountCommand, clinicCommand, puskesmasCommand } from './cli-records.js';
import { parseConfigFile, resolveStartOptions, type ServerConfigFile } from './config.js';
import { accessOf, type ClinicAccess, EVERY_CLINIC, grantOf } from './domain/access.js';
import { DYNSEC_PLUGIN_PATH, dynsecConfSnippet, dynsecFile } from './domain/dynsec.js';
import { hashSecret, newSecret } from './domain/secrets.js';
import { writeFileDurably } from './durable-file.js';
import { ClinicError, ConfigError } from './errors.js';
import { createLogger } from './logger.js';
import { startClinicServer } from './server.js';
import { openStore } from './store/open.js';
import type { AuditStore, ClientStore, KioskStore, ReadingStore, RecordUpkeep } from './store/store.js';
import { rabbitmqScript } from './transport/index.js';

/** Each command asks for the parts of the record it uses, and closes it when done. */
type Closable = Pick<RecordUpkeep, 'close'>;

const HELP = {
  main: `Usage: clinic-server <command> [options]

Commands:
  start              run the clinic server: clinic API, MQTT ingest, SATUSEHAT forwarder
  export             print every stored reading, one Reading JSON document per line
  mosquitto-config   write Mosquitto's dynamic-security file for the registered kiosks
  rabbitmq-config    write the rabbitmqctl commands giving the registered kiosks their permissions
  client             create, list or revoke API clients (the first administrator, a lost secret)
  kiosks             provision N kiosks of a clinic (credentials and kiosk.yaml each), rotate, revoke
  clinic             register or list clinics (name, village, SATUSEHAT organization and location)
  puskesmas          register or list the puskesmas and the clinics each supervises
  account            make, disable, enable or re-password a person's account
  openapi            print (or write) the OpenAPI 3.1 document of the clinic API
  backup             copy the clinic record into a file while the server runs
  restore            restore a backup into a new record and migrate it

Run \`clinic-server <command> --help\` for the options of one command.`,
  start: `Usage: clinic-server start --db <sqlite path | postgres URL> [options]

Options:
  --db <path|url>          the clinic record: a SQLite file (created when missing) or a
                           postgres://user@host/db URL (also DATABASE_URL)                 [required]
  --config <file>          a YAML/JSON config file with any of these options (and satusehat:)
  --port <n>               clinic API port; 0 picks a free one and prints it (default 8080, or a
                           free port when 8080 is taken; also CLINIC_SERVER_PORT)
  --host <addr>            address the API listens on (default 127.0.0.1; 0.0.0.0 for the LAN)
  --broker <url>           an MQTT broker to use (mqtt://host:1883, mqtts://...; also MQTT_URL).
                           Without it the server embeds one (MQTT 3.1.1) and prints its address
  --broker-port <n>        port of the embedded broker; 0 picks a free one (default 1883, or a
                           free port when 1883 is taken)
  --mqtt-version <4|5>     MQTT version towards --broker (default 5)
  --client-id <id>         persistent MQTT session id (default klinik-desa-ingest-<hostname>)
  --shared-group <name>    MQTT 5 shared subscription group, for several ingest processes
  --username <u>           broker user name (password from MQTT_PASSWORD)
  --broker-ca <file>       the CA certificate (PEM) that signed an mqtts:// broker's certificate
                           (also MQTT_CA_FILE; default: the system's CAs)
  --mqtt-admin-user <u>    Mosquitto dynamic-security administrator on --broker (password from
                           MQTT_ADMIN_PASSWORD): a revoked kiosk is disconnected at once
  --transport <mqtt|rabbitmq>
                           rabbitmq: kiosks speak MQTT to RabbitMQ's MQTT plugin and this
                           server consumes its quorum queue over AMQP (the national tier)
  --amqp-url <url>         RabbitMQ for --transport rabbitmq: amqp://user@host:5672/vhost
                           (also AMQP_URL; the password from AMQP_PASSWORD)
  --require-registered-kiosks
                           refuse readings of unregistered kiosks even before any is registered
                           (--broker only: the embedded broker lets no unregistered kiosk connect)
  --log-level <level>      trace|debug|info|warn|error (default info)
  -h, --help               this help

Environment: DATABASE_URL, CLINIC_SERVER_PORT, MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD, MQTT_CA_FILE,
MQTT_ADMIN_USERNAME, MQTT_ADMIN_PASSWORD, AMQP_URL, AMQP_PASSWORD, SATUSEHAT_CLIENT_ID, SATUSEHAT_CLIENT_SECRET. Flags win over the environment, which wins over
the config file.`,
  export: `Usage: clinic-server export --db <sqlite path | postgres URL>

Prints every stored reading as one JSON document per line, oldest first.`,
  'rabbitmq-config': `Usage: clinic-server rabbitmq-config --db <path|url> [--out <file>] [--ingest-user <u>] [--vhost <v>]

Writes (or prints) a shell script of rabbitmqctl commands for the national tier (RABBITMQCTL
overrides the command, e.g. "rabbitmqctl -n rabbit@host"): the ingest user's permissions (its
queues, receipts out), each registered kiosk's own topics only (kiosk.<clinicId>.<kioskId> may
publish its readings, status and events and read its receipts), and deletes the kiosk users the
record no longer holds (revoked). Kiosk users are added with their secrets when provisioned
(rabbitmqctl add_user): the record keeps only hashes RabbitMQ cannot use. Run it again after
registering or revoking kiosks.`,
  'mosquitto-config': `Usage: clinic-server mosquitto-config --db <path|url> --out <dir> [options]

Writes <dir>/dynamic-security.json, the starting state of Mosquitto's dynamic security plugin, and
<dir>/mosquitto.conf, the lines that load it (include them in Mosquitto's configuration):
  - the ingest user: reads every kiosk's readings, status and events; writes receipts and status;
  - one client per registered, not revoked kiosk: user name kiosk.<clinicId>.<kioskId>, client id
    pinned to that user name, its own topics only (its secret hash as the record keeps it);
  - the administrator: the $CONTROL/dynamic-security topic only. Start the clinic server with
    --mqtt-admin-user and MQTT_ADMIN_PASSWORD: it then disables a revoked kiosk on the broker,
    which closes its live connection at once.
Anonymous clients are refused. Passwords: MQTT_PASSWORD (ingest) and MQTT_ADMIN_PASSWORD (both
required). Run it before Mosquitto starts: the plugin keeps its own state in the file afterwards
(and writes to it), so write it again only with Mosquitto stopped, e.g. after registering kiosks.

Options:
  --db <path|url>         the clinic record                                             [required]
  --out <dir>             where to write dynamic-security.json and mosquitto.conf       [required]
  --ingest-user <name>    the clinic server's own broker user (default klinik-desa-ingest)
  --admin-user <name>     the dynamic-security administrator (default klinik-desa-admin)
  --plugin <path>         the plugin library (default ${DYNSEC_PLUGIN_PATH})`,
  client: `Usage: clinic-server client create --db <path|url> --role <admin|partner> --name <name>
                                   (--clinic <clinic id> ... | --all-clinics)
       clinic-server client grant  --db <path|url> --id <client id> (--clinic <clinic id> ... | --all-clinics)
       clinic-server client list   --db <path|url> [--role <admin|partner|kiosk>]
       clinic-server client revoke --db <path|url> --id <client id>

create   makes an API client and prints its client id and secret (shown once; only a hash is
         kept). Use it for the first administrator; later clients can be made with POST /clients.
grant    sets the clinics a partner or administrator acts for (it reads and changes only their
         patients, screenings, kiosks...): one --clinic per clinic, or --all-clinics for a
         national operator. Tokens already issued keep the old clinics for up to 30 s.
list     prints every client, one JSON document per line (never a secret).
revoke   ends a client's tokens and sign-ins: a leaked or lost administrator secret, which the
         API cannot revoke with the administrator's own token. Server processes running on this
         record stop accepting its tokens within 30 s. Written to the audit log as system.cli.`,
  backup: BACKUP_HELP,
  restore: RESTORE_HELP,
  openapi: `Usage: clinic-server openapi [--out <file>]

Prints the OpenAPI 3.1 document (YAML) of the clinic API, or writes it to <file>.`,
};

function readConfig(path: string | undefined): ServerConfigFile {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG', `cannot read the config file ${path}: ${(error as Error).message}`);
  }
  return parseConfigFile(text, path);
}

async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      db: { type: 'string' },
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      broker: { type: 'string' },
      'broker-port': { type: 'string' },
      'mqtt-version': { type: 'string' },
      'client-id': { type: 'string' },
      'shared-group': { type: 'string' },
      username: { type: 'string' },
      'mqtt-admin-user': { type: 'string' },
      transport: { type: 'string' },
      'amqp-url': { type: 'string' },
      'broker-ca': { type: 'string' },
      'require-registered-kiosks': { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP.start);
    return 0;
  }
  const file = readConfig(values.config);
  if (!values.db && !process.env['DATABASE_URL'] && !file.db) fail('--db <sqlite path> is required');
  if (values.broker && !/^(mqtts?|wss?|tcp|tls):\/\//.test(values.broker)) {
    fail(`--broker must be a URL such as mqtt://127.0.0.1:1883, not "${values.broker}"`);
  }
  if (values.transport !== undefined && values.transport !== 'mqtt' && values.transport !== 'rabbitmq') {
    fail(`--transport must be mqtt or rabbitmq, not "${values.transport}"`);
  }
  const brokerPort = parseIntOption('broker-port', values['broker-port'], 0, 65535);
  const version = parseIntOption('mqtt-version', values['mqtt-version'], 4, 5);
  const port = parseIntOption('port', values.port, 0, 65535);
  const { logLevel, ...options } = resolveStartOptions(
    {
      db: values.db,
      broker: values.broker,
      brokerPort,
      mqttVersion: version as 4 | 5 | undefined,
      clientId: values['client-id'],
      sharedGroup: values['shared-group'],
      username: values.username,
      mqttAdminUser: values['mqtt-admin-user'],
      transport: values.transport as 'mqtt' | 'rabbitmq' | undefined,
      amqpUrl: values['amqp-url'],
      brokerCa: values['broker-ca'],
      port,
      host: values.host,
      requireRegisteredKiosks: values['require-registered-kiosks'],
    },
    process.env,
    file,
  );
  const log = createLogger(values['log-level'] ?? logLevel ?? process.env['LOG_LEVEL'] ?? 'info');
  const server = await startClinicServer({ ...options, log });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('stopping: finishing the batch in hand');
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
  const store: Pick<ReadingStore, 'exportReadings'> & Closable = await openStore(values.db, {
    readonly: true,
  });
  try {
    for await (const reading of store.exportReadings()) process.stdout.write(`${JSON.stringify(reading)}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

/** Opens the record read-only for the registered, not revoked kiosks, and closes it. */
async function withRegisteredKiosks(
  db: string,
  use: (kiosks: Awaited<ReturnType<KioskStore['kioskSecrets']>>) => void,
): Promise<void> {
  const store: Pick<KioskStore, 'kioskSecrets'> & Closable = await openStore(db, { readonly: true });
  try {
    use(await store.kioskSecrets());
  } finally {
    await store.close();
  }
}

async function mosquittoConfig(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      db: { type: 'string' },
      out: { type: 'string' },
      'ingest-user': { type: 'string' },
      'admin-user': { type: 'string' },
      plugin: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP['mosquitto-config']);
    return 0;
  }
  if (!values.db) fail('--db <sqlite path | postgres URL> is required');
  if (!values.out) fail('--out <dir> is required');
  const password = process.env['MQTT_PASSWORD'];
  if (!password) fail("set MQTT_PASSWORD to the clinic server's own broker password");
  const adminPassword = process.env['MQTT_ADMIN_PASSWORD'];
  if (!adminPassword) fail("set MQTT_ADMIN_PASSWORD to the broker administrator's password");
  const ingestUser = values['ingest-user'] ?? 'klinik-desa-ingest';
  const adminUser = values['admin-user'] ?? 'klinik-desa-admin';
  for (const [flag, name] of [
    ['--ingest-user', ingestUser],
    ['--admin-user', adminUser],
  ] as const) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name) || name.startsWith('kiosk.'))
      fail(`${flag}: use 1-64 letters, digits, ".", "_" or "-", not starting with "kiosk."`);
  }
  if (ingestUser === adminUser) fail('--ingest-user and --admin-user must differ');
  const out = values.out;
  await withRegisteredKiosks(values.db, (kiosks) => {
    mkdirSync(out, { recursive: true });
    const json = join(out, 'dynamic-security.json');
    const conf = join(out, 'mosquitto.conf');
    const state = dynsecFile({
      ingest: { username: ingestUser, secretHash: hashSecret(password) },
      admin: { username: adminUser, secretHash: hashSecret(adminPassword) },
      kiosks,
    });
    writeFileDurably(json, `${JSON.stringify(state, null, 2)}\n`);
    writeFileDurably(conf, dynsecConfSnippet(json, values.plugin));
    console.log(
      `wrote ${json} and ${conf} for ${kiosks.length} kiosk(s), the ingest user ${ingestUser} and the administrator ${adminUser}`,
    );
    console.log('start (or restart) Mosquitto with these lines in its configuration');
  });
  return 0;
}

const CLIENT_SUBCOMMANDS = ['create', 'grant', 'list', 'revoke'];

async function client(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(HELP.client);
    return sub === undefined ? 2 : 0;
  }
  if (!CLIENT_SUBCOMMANDS.includes(sub)) {
    fail(`client: unknown subcommand "${sub}"; use client ${CLIENT_SUBCOMMANDS.join(', client ')}`);
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      db: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
      clinic: { type: 'string', multiple: true },
      'all-clinics': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP.client);
    return 0;
  }
  if (!values.db) fail('--db <sqlite path | postgres URL> is required');
  if (sub === 'list') return listClients(values.db, values.role);
  if (sub === 'grant') {
    if (!values.id) fail('--id <client id> is required (clinic-server client list shows them)');
    return grantClients(values.db, values.id, grantFromFlags(values.clinic, values['all-clinics']));
  }
  if (sub === 'revoke') {
    if (!values.id) fail('--id <client id> is required (clinic-server client list shows them)');
    return revokeClient(values.db, values.id);
  }
  const role = ClientRole.exclude(['kiosk']).safeParse(values.role);
  if (!role.success) fail('--role must be admin or partner (kiosks get credentials from POST /kiosks)');
  if (!values.name) fail('--name <name> is required, e.g. --name "puskesmas admin"');
  const access = grantFromFlags(values.clinic, values['all-clinics']);
  const store: Pick<ClientStore, 'createClient'> & Closable = await openStore(values.db);
  try {
    const secret = newSecret();
    const id = `${role.data}.${newUuidV7()}`;
    await store.createClient({
      id,
      role: role.data,
      name: values.name,
      secretHash: hashSecret(secret),
      clinicId: null,
      kioskId: null,
      access,
      createdAt: new Date().toISOString(),
    });
    process.stdout.write(
      `${JSON.stringify({ clientId: id, clientSecret: secret, role: role.data, clinics: grantOf(access) })}\n`,
    );
  } finally {
    await store.close();
  }
  return 0;
}

/** `--clinic a --clinic b` or `--all-clinics`: one of the two, said explicitly. */
function grantFromFlags(clinics: string[] | undefined, all: boolean | undefined): ClinicAccess {
  if (all && clinics?.length) fail('give either --clinic <id> (one per clinic) or --all-clinics, not both');
  if (all) return EVERY_CLINIC;
  if (!clinics?.length) {
    fail(
      'say which clinics this client acts for: --clinic <clinic id> (repeat it for several), or --all-clinics for a national operator',
    );
  }
  const bad = clinics.find((c) => !ClinicId.safeParse(c).success);
  if (bad !== undefined)
    fail(`--clinic ${JSON.stringify(bad)} is not a clinic id (letters, digits, - and _)`);
  return accessOf(clinics);
}

async function grantClients(db: string, id: string, access: ClinicAccess): Promise<number> {
  const store: Pick<ClientStore, 'grantClinics'> & AuditStore & Closable = await openStore(db);
  try {
    const client = await store.grantClinics(id, access);
    await store.audit([
      {
        clientId: 'system.cli',
        action: 'grant',
        resourceType: 'client',
        resourceId: id,
        patientId: null,
        clinicId: null,
        requestId: null,
        at: new Date().toISOString(),
      },
    ]);
    process.stdout.write(`${JSON.stringify(client)}\n`);
  } catch (error) {
    if (error instanceof ClinicError && (error.code === 'NOT_FOUND' || error.code === 'CONFLICT'))
      fail(`${error.message} (clinic-server client list shows them)`);
    throw error;
  } finally {
    await store.close();
  }
  return 0;
}

async function listClients(db: string, roleName: string | undefined): Promise<number> {
  const role = roleName === undefined ? undefined : ClientRole.safeParse(roleName);
  if (role && !role.success) fail(`--role must be admin, partner or kiosk, not "${roleName}"`);
  const store: Pick<ClientStore, 'listClients'> & Closable = await openStore(db, { readonly: true });
  try {
    let cursor: string | undefined;
    do {
      const page = await store.listClients(
        role ? { role: role.data } : {},
        { limit: 500, ...(cursor ? { cursor } : {}) },
        EVERY_CLINIC,
      );
      for (const c of page.data) process.stdout.write(`${JSON.stringify(c)}\n`);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  } finally {
    await store.close();
  }
  return 0;
}

async function revokeClient(db: string, id: string): Promise<number> {
  const store: Pick<ClientStore, 'revokeClient'> & AuditStore & Closable = await openStore(db);
  try {
    const at = new Date().toISOString();
    const revoked = await store.revokeClient(id, at);
    await store.audit([
      {
        clientId: 'system.cli',
        action: 'revoke',
        resourceType: 'client',
        resourceId: id,
        patientId: null,
        clinicId: null,
        requestId: null,
        at,
      },
    ]);
    process.stdout.write(`${JSON.stringify(revoked)}\n`);
    if (revoked.role === 'kiosk') {
      console.error(
        'a kiosk: servers started with --mqtt-admin-user disable it on Mosquitto within 2 s; the embedded broker closes its connection within 2 s',
      );
    }
  } catch (error) {
    if (error instanceof ClinicError && error.code === 'NOT_FOUND')
      fail(`${error.message} (clinic-server client list shows them)`);
    throw error;
  } finally {
    await store.close();
  }
  return 0;
}

async function openapi(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HELP.openapi);
    return 0;
  }
  const yaml = await openApiYaml();
  if (values.out) {
    writeFileSync(values.out, yaml);
    console.log(`wrote ${values.out}`);
  } else process.stdout.write(yaml);
  return 0;
}

async function rabbitmqConfig(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      db: { type: 'string' },
      out: { type: 'string' },
      'ingest-user': { type: 'string' },
      vhost: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP['rabbitmq-config']);
    return 0;
  }
  if (!values.db) fail('--db <sqlite path | postgres URL> is required');
  await withRegisteredKiosks(values.db, (kiosks) => {
    const script = rabbitmqScript(kiosks, values['ingest-user'] ?? 'klinik-desa-ingest', values.vhost ?? '/');
    if (!values.out) process.stdout.write(script);
    else {
      writeFileDurably(values.out, script);
      console.log(
        `wrote ${values.out} for ${kiosks.length} kiosk(s): run it where rabbitmqctl reaches the cluster`,
      );
    }
  });
  return 0;
}

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  start,
  export: exportReadings,
  'mosquitto-config': mosquittoConfig,
  'rabbitmq-config': rabbitmqConfig,
  client,
  kiosks: kiosksCommand,
  clinic: clinicCommand,
  puskesmas: puskesmasCommand,
  account: accountCommand,
  openapi,
  backup: backupCommand,
  restore: restoreCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (run) return run(rest);
  console.error(`clinic-server: unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
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
