import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClinicId, KioskId } from '@klinik-desa/protocol';
import pino from 'pino';
import { EVERY_CLINIC } from '../domain/access.js';
import { kioskUsername } from '../domain/acl.js';
import { createKioskCommands, disableClientCommand, setPasswordCommand } from '../domain/dynsec.js';
import {
  type KioskLogin,
  type KioskYamlOptions,
  kioskYaml,
  nextKioskIds,
  PROVISION_MAX,
  parseKioskTemplate,
} from '../domain/kiosk-files.js';
import { hashSecret, newSecret } from '../domain/secrets.js';
import { writeFileDurably } from '../durable-file.js';
import { DynsecAdmin } from '../mqtt/dynsec-admin.js';
import { openStore } from '../store/open.js';
import type { AuditStore, ClientStore, KioskStore, RecordUpkeep } from '../store/store.js';
import { fail } from './usage.js';

export const KIOSKS_HELP = `Usage: clinic-server kiosks provision --db <path|url> --clinic <clinic id> --count <n> --out <dir>
                                  --broker-url <url> [--api-url <url>] [--template <kiosk.yaml>]
                                  [--prefix <id prefix>] [--new-clinic]
       clinic-server kiosks rotate    --db <path|url> --clinic <clinic id> --kiosk <kiosk id>
                                  [--out <dir> --broker-url <url> [--api-url <url>] [--template <kiosk.yaml>]]
       clinic-server kiosks revoke    --db <path|url> --clinic <clinic id> --kiosk <kiosk id>

provision  registers <n> new kiosks of the clinic (ids <prefix>001, <prefix>002... after the
           highest taken) and writes <dir>/<kiosk id>/kiosk.yaml for each (mode 0600): its ids,
           the broker, and its secret as broker password (and API secret with --api-url). Each
           secret is printed once, one JSON line per kiosk; the record keeps only its hash.
rotate     gives a kiosk a new secret: the old one is refused from now on. Prints it once, and
           with --out writes the kiosk's new kiosk.yaml.
revoke     ends a kiosk for good: its API tokens at once, its broker login and live connection.

Mosquitto with dynamic security is changed live when MQTT_ADMIN_PASSWORD is set: the command logs
in as its administrator (--mqtt-admin-user or MQTT_ADMIN_USERNAME, default klinik-desa-admin) on
--admin-broker (or MQTT_URL, or --broker-url) and creates, rotates or disables the kiosk there.
Without it the record alone changes: the embedded broker reads the record at every login; a
server started with --mqtt-admin-user disables revoked kiosks within 2 s; for new or rotated
kiosks on Mosquitto, stop it and write its file again with clinic-server mosquitto-config.

Options:
  --db <path|url>          the clinic record                                          [required]
  --clinic <id>            the clinic the kiosks belong to                            [required]
  --count <n>              how many kiosks to make, 1 to ${PROVISION_MAX}
  --out <dir>              where the kiosk.yaml files go (a new or empty folder for provision)
  --broker-url <url>       the broker address the kiosks use, e.g. mqtts://broker.example:8883
  --api-url <url>          the clinic API the kiosk page uses, e.g. https://clinic.example.id
  --template <kiosk.yaml>  devices, outbox, page... shared by the new kiosks (default: one BLE
                           gateway, the Debian package's paths)
  --prefix <prefix>        kiosk id prefix (default kiosk-)
  --new-clinic             allow a clinic this record has never seen (no kiosk, patient or
                           reading names it yet): guards against a mistyped clinic id
  --kiosk <id>             the kiosk to rotate or revoke
  --admin-broker <url>     where the administrator logs in, e.g. mqtt://127.0.0.1:1883
  --mqtt-admin-user <u>    the dynamic-security administrator`;

const SUBCOMMANDS = ['provision', 'rotate', 'revoke'];

type Values = ReturnType<typeof parseValues>;
type KioskParts = Pick<
  KioskStore,
  'clinicKnown' | 'listKiosks' | 'registerKiosk' | 'getKiosk' | 'rotateKioskSecret'
> &
  Pick<ClientStore, 'getClient' | 'revokeClient'> &
  AuditStore &
  Pick<RecordUpkeep, 'close'>;

function parseValues(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      db: { type: 'string' },
      clinic: { type: 'string' },
      kiosk: { type: 'string' },
      count: { type: 'string' },
      out: { type: 'string' },
      'broker-url': { type: 'string' },
      'api-url': { type: 'string' },
      template: { type: 'string' },
      prefix: { type: 'string' },
      'new-clinic': { type: 'boolean' },
      'admin-broker': { type: 'string' },
      'mqtt-admin-user': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

export async function kiosksCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(KIOSKS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!SUBCOMMANDS.includes(sub))
    fail(`kiosks: unknown subcommand "${sub}"; use kiosks ${SUBCOMMANDS.join(', kiosks ')}`);
  const values = parseValues(rest);
  if (values.help) {
    console.log(KIOSKS_HELP);
    return 0;
  }
  if (!values.db) fail('--db <sqlite path | postgres URL> is required');
  if (!values.clinic) fail('--clinic <clinic id> is required, e.g. --clinic kdmp-3201-001');
  if (!ClinicId.safeParse(values.clinic).success)
    fail(`--clinic "${values.clinic}" is not a clinic id: use 1-64 letters, digits, "-" or "_"`);
  if (sub === 'provision') return provision(values, values.db, values.clinic);
  if (!values.kiosk) fail(`--kiosk <kiosk id> is required: the kiosk to ${sub}`);
  if (!KioskId.safeParse(values.kiosk).success)
    fail(`--kiosk "${values.kiosk}" is not a kiosk id: use 1-64 letters, digits, "-" or "_"`);
  return sub === 'rotate'
    ? rotate(values, values.db, values.clinic, values.kiosk)
    : revoke(values, values.db, values.clinic, values.kiosk);
}

/** What every kiosk.yaml of this run shares; checked before anything is made. */
function yamlOptions(values: Values): KioskYamlOptions {
  const brokerUrl = values['broker-url'];
  if (!brokerUrl)
    fail('--broker-url <url> is required: the broker the kiosks use, e.g. mqtts://broker.example:8883');
  if (!/^(mqtts?|tcp|tls|wss?):\/\/[^\s]+$/.test(brokerUrl))
    fail(`--broker-url must be a broker URL such as mqtts://broker.example:8883, not "${brokerUrl}"`);
  const apiUrl = values['api-url'];
  if (apiUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(apiUrl))
    fail(`--api-url must be the clinic API's address such as https://clinic.example.id, not "${apiUrl}"`);
  let template: Record<string, unknown> | undefined;
  if (values.template !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.template, 'utf8');
    } catch (error) {
      fail(
        `--template ${values.template} cannot be read (${(error as NodeJS.ErrnoException).code}): give a kiosk.yaml to start from`,
      );
    }
    template = parseKioskTemplate(text, values.template);
  }
  return { brokerUrl, apiUrl, ...(template ? { template } : {}) };
}

/**
 * The dynamic-security administrator's login when MQTT_ADMIN_PASSWORD is set; undefined when the
 * record alone is to change. Logged in before the record changes, so a wrong password or an
 * unreachable broker stops the command before anything is made.
 */
async function brokerAdmin(values: Values): Promise<DynsecAdmin | undefined> {
  const password = process.env['MQTT_ADMIN_PASSWORD'];
  if (!password) return undefined;
  const url = values['admin-broker'] ?? process.env['MQTT_URL'] ?? values['broker-url'];
  if (!url)
    fail(
      'MQTT_ADMIN_PASSWORD is set: give --admin-broker <url> (or MQTT_URL), where the administrator logs in',
    );
  const username = values['mqtt-admin-user'] ?? process.env['MQTT_ADMIN_USERNAME'] ?? 'klinik-desa-admin';
  try {
    return await DynsecAdmin.connect({
      url,
      username,
      password,
      protocolVersion: 5,
      reconnect: false,
      log: pino({ level: 'error' }, pino.destination(2)),
    });
  } catch (error) {
    return fail(
      `cannot log in to the broker at ${url} as ${username} (${(error as Error).message}): check --admin-broker, MQTT_ADMIN_USERNAME and MQTT_ADMIN_PASSWORD, or unset MQTT_ADMIN_PASSWORD to change the record only`,
    );
  }
}

function checkOutDir(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) fail(`--out ${out} is a file: give a new or empty folder`);
  if (readdirSync(out).length > 0)
    fail(
      `--out ${out} is not empty: give a new or empty folder, so no kiosk.yaml of another run is overwritten`,
    );
}

async function takenKioskIds(store: Pick<KioskStore, 'listKiosks'>, clinicId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listKiosks(
      { clinicId },
      { limit: 500, ...(cursor ? { cursor } : {}) },
      EVERY_CLINIC,
    );
    ids.push(...page.data.map((k) => k.kioskId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/** The kiosk's own folder under `out`, and its kiosk.yaml in it (0700 and 0600: a secret is inside). */
function writeKioskYaml(out: string, login: KioskLogin, options: KioskYamlOptions): string {
  const dir = join(out, login.kioskId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'kiosk.yaml');
  writeFileDurably(path, kioskYaml(login, options), 0o600);
  return path;
}

const cliAudit = (action: string, clinicId: string, kioskId: string, at: string) => ({
  clientId: 'system.cli',
  action,
  resourceType: 'kiosk',
  resourceId: `${clinicId}/${kioskId}`,
  patientId: null,
  clinicId,
  requestId: null,
  at,
});

/** Refusals of the broker, one line each with the fix; exit code 1 when there were any. */
function reportRefusals(refusals: string[]): number {
  if (refusals.length === 0) return 0;
  for (const r of refusals) console.error(`clinic-server: Mosquitto refused ${r}`);
  console.error(
    'clinic-server: the record holds these kiosks; to give them to Mosquitto, stop it and run clinic-server mosquitto-config, or run kiosks rotate for each',
  );
  return 1;
}

async function provision(values: Values, db: string, clinicId: string): Promise<number> {
  const count = Number(values.count);
  if (values.count === undefined)
    fail(`--count <n> is required: how many kiosks to make, 1 to ${PROVISION_MAX}`);
  if (!Number.isInteger(count) || count < 1 || count > PROVISION_MAX)
    fail(
      `--count must be a whole number from 1 to ${PROVISION_MAX}, not "${values.count}": for more kiosks, run provision again (ids continue after the highest)`,
    );
  if (!values.out) fail('--out <dir> is required: a new or empty folder for the kiosk.yaml files');
  checkOutDir(values.out);
  const options = yamlOptions(values);
  const store: KioskParts = await openStore(db);
  let admin: DynsecAdmin | undefined;
  try {
    if (!values['new-clinic'] && !(await store.clinicKnown(clinicId)))
      fail(
        `clinic "${clinicId}" is unknown to this record (no kiosk, patient or reading names it): check the id, or add --new-clinic for a clinic's first kiosks`,
      );
    const ids = nextKioskIds(await takenKioskIds(store, clinicId), values.prefix ?? 'kiosk-', count);
    admin = await brokerAdmin(values);
    mkdirSync(values.out, { recursive: true, mode: 0o700 });
    const at = new Date().toISOString();
    const logins: KioskLogin[] = [];
    for (const kioskId of ids) {
      const login = { clinicId, kioskId, username: kioskUsername(clinicId, kioskId), secret: newSecret() };
      await store.registerKiosk(
        { clinicId, kioskId, name: null },
        login.username,
        hashSecret(login.secret),
        at,
      );
      // Written at once: a secret the record cannot give again must not wait in memory for the rest.
      const config = writeKioskYaml(values.out, login, options);
      logins.push(login);
      const { secret, username } = login;
      process.stdout.write(
        `${JSON.stringify({ clinicId, kioskId, mqttUsername: username, secret, config })}\n`,
      );
    }
    await store.audit(ids.map((kioskId) => cliAudit('create', clinicId, kioskId, at)));
    const refusals: string[] = [];
    // 50 kiosks (100 commands) a message keeps each well under the broker's message size.
    for (let i = 0; admin && i < logins.length; i += 50) {
      const batch = logins.slice(i, i + 50);
      const errors = await admin.send(
        batch.flatMap((l) => createKioskCommands(l.clinicId, l.kioskId, l.secret)),
      );
      errors.forEach((e, j) => {
        if (e) refusals.push(`${batch[Math.floor(j / 2)]?.username}: ${e}`);
      });
    }
    console.error(
      `provisioned ${ids.length} kiosk(s) of ${clinicId} (${ids[0]} to ${ids.at(-1)}) in ${values.out}${admin ? ', live on Mosquitto' : ''}; the secrets above are shown this once`,
    );
    if (!admin) console.error(`note: ${NO_ADMIN_NOTE}`);
    return reportRefusals(refusals);
  } finally {
    await admin?.close();
    await store.close();
  }
}

const NO_ADMIN_NOTE =
  'MQTT_ADMIN_PASSWORD is not set, so only the record changed: the embedded broker takes it at once; Mosquitto with dynamic security needs MQTT_ADMIN_PASSWORD here, or its file written again (clinic-server mosquitto-config)';

/** The kiosk as the record has it, or a usage error naming it. */
async function existingKiosk(store: KioskParts, clinicId: string, kioskId: string) {
  const kiosk = await store.getKiosk(clinicId, kioskId);
  if (!kiosk)
    fail(
      `kiosk "${kioskId}" of clinic "${clinicId}" is not registered in this record: check --clinic and --kiosk (GET /kiosks?clinicId=${clinicId} lists them)`,
    );
  return (await store.getClient(kioskUsername(clinicId, kioskId)))?.revokedAt ?? null;
}

async function rotate(values: Values, db: string, clinicId: string, kioskId: string): Promise<number> {
  const options = values.out === undefined ? undefined : yamlOptions(values);
  const store: KioskParts = await openStore(db);
  let admin: DynsecAdmin | undefined;
  try {
    if (await existingKiosk(store, clinicId, kioskId))
      fail(
        `kiosk "${kioskId}" of clinic "${clinicId}" is revoked: a revoked kiosk stays revoked; provision a new one`,
      );
    admin = await brokerAdmin(values);
    const login = { clinicId, kioskId, username: kioskUsername(clinicId, kioskId), secret: newSecret() };
    const at = new Date().toISOString();
    await store.rotateKioskSecret(clinicId, kioskId, hashSecret(login.secret), at);
    const config = values.out && options ? writeKioskYaml(values.out, login, options) : undefined;
    process.stdout.write(
      `${JSON.stringify({ clinicId, kioskId, mqttUsername: login.username, secret: login.secret, ...(config ? { config } : {}) })}\n`,
    );
    await store.audit([cliAudit('rotate', clinicId, kioskId, at)]);
    let refusals: string[] = [];
    if (admin) {
      const [missing] = await admin.send([setPasswordCommand(login.username, login.secret)]);
      // A kiosk the broker never had (made without the administrator): made there now.
      const errors = missing ? await admin.send(createKioskCommands(clinicId, kioskId, login.secret)) : [];
      refusals = errors.filter((e) => e !== undefined).map((e) => `${login.username}: ${e}`);
    }
    console.error(
      `rotated ${clinicId}/${kioskId}${admin ? ': Mosquitto refuses the old secret and closed its connection' : ''}; the new secret above is shown this once`,
    );
    if (!admin) console.error(`note: ${NO_ADMIN_NOTE}`);
    return reportRefusals(refusals);
  } finally {
    await admin?.close();
    await store.close();
  }
}

async function revoke(values: Values, db: string, clinicId: string, kioskId: string): Promise<number> {
  const store: KioskParts = await openStore(db);
  let admin: DynsecAdmin | undefined;
  try {
    const revokedBefore = await existingKiosk(store, clinicId, kioskId);
    admin = await brokerAdmin(values);
    const username = kioskUsername(clinicId, kioskId);
    const at = new Date().toISOString();
    await store.revokeClient(username, at);
    if (!revokedBefore) await store.audit([cliAudit('revoke', clinicId, kioskId, at)]);
    const [error] = admin ? await admin.send([disableClientCommand(username)]) : [];
    console.error(
      admin
        ? `revoked ${clinicId}/${kioskId}: Mosquitto refuses it and closed its connection`
        : `revoked ${clinicId}/${kioskId} in the record: servers started with --mqtt-admin-user disable it on Mosquitto within 2 s; the embedded broker closes its connection within 2 s`,
    );
    return reportRefusals(error ? [`${username}: ${error}`] : []);
  } finally {
    await admin?.close();
    await store.close();
  }
}
