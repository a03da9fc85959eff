import { parseArgs } from 'node:util';
import { AccountCreate, ClinicCreate, type Page, PuskesmasCreate } from '@klinik-desa/protocol';
import { accessOf, EVERY_CLINIC } from './domain/access.js';
import { hashPassword } from './domain/passwords.js';
import { ConfigError } from './errors.js';
import { openStore } from './store/open.js';
import type { AccountStore, AuditStore, ClinicRegistryStore, RecordUpkeep } from './store/store.js';

// The first set-up of a server from its own shell, before any administrator can use the API:
// clinics, the puskesmas over them, and the first people's accounts. Each change is audited as
// system.cli, as the client commands are.

export const RECORD_HELP = {
  clinic: `Usage: clinic-server clinic create --db <path|url> --id <clinic id> --name <name> [--village <v>]
                                   [--organization <SATUSEHAT org id>] [--location-id <id> --location-name <name>]
       clinic-server clinic list   --db <path|url>

create   registers a clinic under the id its kiosks and readings use. Its screenings are sent to
         SATUSEHAT under its own organization and location when given, else under the server's.
list     prints every clinic, one JSON document per line.`,
  puskesmas: `Usage: clinic-server puskesmas create --db <path|url> --id <id> --name <name> [--clinic <clinic id> ...]
       clinic-server puskesmas list   --db <path|url>

create   registers a puskesmas and the (registered) clinics it supervises; everyone granted the
         puskesmas reaches those clinics, and any put under it later.
list     prints every puskesmas with its clinics, one JSON document per line.`,
  account: `Usage: clinic-server account create --db <path|url> --username <u> --name <display name>
                                    --role <operator|puskesmas-staff|clinic-staff>
                                    (--clinic <clinic id> ... | --puskesmas <id> | --all-clinics)

       clinic-server account disable|enable --db <path|url> --username <u>
       clinic-server account password --db <path|url> --username <u>

create    makes a person's account; the password is read from ACCOUNT_PASSWORD (at least 12
          characters, so it is never on the command line) and kept only as a scrypt hash. The
          person signs in at /masuk.
disable   the account cannot sign in, and its sessions are refused at once (401, saying so).
enable    it can sign in again.
password  sets the password from ACCOUNT_PASSWORD (a forgotten one); every session of it ends.`,
};

type Closable = Pick<RecordUpkeep, 'close'>;

function usage(message: string): never {
  throw new ConfigError('USAGE', message);
}

/** A schema's first problem, as the flag that carries it: `--name: too short`. */
function parsed<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
  flags: Record<string, string>,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  usage(`${flags[field] ?? field}: ${issue.message}`);
}

const cliAudit = (resourceType: string, resourceId: string) => ({
  clientId: 'system.cli',
  action: 'create',
  resourceType,
  resourceId,
  patientId: null,
  clinicId: null,
  requestId: null,
  at: new Date().toISOString(),
});

function subcommand(argv: string[], help: string, known: string[]): [string, string[]] | undefined {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(help);
    return undefined;
  }
  if (!known.includes(sub))
    usage(`unknown subcommand "${sub}"; use ${known.join(' or ')} (--help shows them)`);
  return [sub, rest];
}

/** Every page of a list, one JSON document a line. */
async function printAll(page: (cursor: string | undefined) => Promise<Page<unknown>>): Promise<number> {
  let cursor: string | undefined;
  do {
    const { data, nextCursor } = await page(cursor);
    for (const item of data) process.stdout.write(`${JSON.stringify(item)}\n`);
    cursor = nextCursor ?? undefined;
  } while (cursor);
  return 0;
}

export async function clinicCommand(argv: string[]): Promise<number> {
  const chosen = subcommand(argv, RECORD_HELP.clinic, ['create', 'list']);
  if (!chosen) return argv.length === 0 ? 2 : 0;
  const { values } = parseArgs({
    args: chosen[1],
    strict: true,
    options: {
      db: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      village: { type: 'string' },
      organization: { type: 'string' },
      'location-id': { type: 'string' },
      'location-name': { type: 'string' },
    },
  });
  if (!values.db) usage('--db <sqlite path | postgres URL> is required');
  const store: ClinicRegistryStore & AuditStore & Closable = await openStore(values.db);
  try {
    if (chosen[0] === 'list') {
      return printAll((cursor) => store.listClinics({}, { limit: 500, cursor }, EVERY_CLINIC));
    }
    if ((values['location-id'] === undefined) !== (values['location-name'] === undefined)) {
      usage('give the location as both --location-id and --location-name, or neither');
    }
    const input = parsed(
      ClinicCreate,
      {
        id: values.id,
        name: values.name,
        village: values.village,
        organizationId: values.organization,
        ...(values['location-id']
          ? { location: { id: values['location-id'], display: values['location-name'] } }
          : {}),
      },
      {
        id: '--id',
        name: '--name',
        village: '--village',
        organizationId: '--organization',
        location: '--location-id/--location-name',
      },
    );
    const clinic = await store.createClinic(input, new Date().toISOString());
    await store.audit([cliAudit('clinic', clinic.id)]);
    process.stdout.write(`${JSON.stringify(clinic)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function puskesmasCommand(argv: string[]): Promise<number> {
  const chosen = subcommand(argv, RECORD_HELP.puskesmas, ['create', 'list']);
  if (!chosen) return argv.length === 0 ? 2 : 0;
  const { values } = parseArgs({
    args: chosen[1],
    strict: true,
    options: {
      db: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      clinic: { type: 'string', multiple: true },
    },
  });
  if (!values.db) usage('--db <sqlite path | postgres URL> is required');
  const store: ClinicRegistryStore & AuditStore & Closable = await openStore(values.db);
  try {
    if (chosen[0] === 'list') {
      return printAll((cursor) => store.listPuskesmas({ limit: 500, cursor }, EVERY_CLINIC));
    }
    const input = parsed(
      PuskesmasCreate,
      { id: values.id, name: values.name, clinicIds: values.clinic ?? [] },
      { id: '--id', name: '--name', clinicIds: '--clinic' },
    );
    const puskesmas = await store.createPuskesmas(input, new Date().toISOString());
    await store.audit([cliAudit('puskesmas', puskesmas.id)]);
    process.stdout.write(`${JSON.stringify(puskesmas)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function accountCommand(argv: string[]): Promise<number> {
  const chosen = subcommand(argv, RECORD_HELP.account, ['create', 'disable', 'enable', 'password']);
  if (!chosen) return argv.length === 0 ? 2 : 0;
  if (chosen[0] !== 'create') return accountChange(chosen[0], chosen[1]);
  const { values } = parseArgs({
    args: chosen[1],
    strict: true,
    options: {
      db: { type: 'string' },
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      clinic: { type: 'string', multiple: true },
      puskesmas: { type: 'string' },
      'all-clinics': { type: 'boolean' },
    },
  });
  if (!values.db) usage('--db <sqlite path | postgres URL> is required');
  const grants = [values.clinic?.length, values.puskesmas, values['all-clinics']].filter(Boolean).length;
  if (grants !== 1)
    usage('say what the account acts for: --clinic <id> (repeat it), --puskesmas <id>, or --all-clinics');
  const password = process.env['ACCOUNT_PASSWORD'];
  if (!password) usage('set ACCOUNT_PASSWORD to the new password (at least 12 characters)');
  const clinics = values['all-clinics']
    ? '*'
    : values.puskesmas
      ? { puskesmasId: values.puskesmas }
      : values.clinic;
  const input = parsed(
    AccountCreate,
    { username: values.username, displayName: values.name, role: values.role, clinics, password },
    {
      username: '--username',
      displayName: '--name',
      role: '--role',
      clinics: '--clinic/--puskesmas',
      password: 'ACCOUNT_PASSWORD',
    },
  );
  const store: AccountStore & AuditStore & Closable = await openStore(values.db);
  try {
    const createdAt = new Date().toISOString();
    await store.createAccount({
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      access: accessOf(input.clinics),
      passwordHash: await hashPassword(input.password),
      createdAt,
    });
    await store.audit([cliAudit('account', input.username)]);
    const { password: _, ...shown } = input;
    process.stdout.write(`${JSON.stringify({ ...shown, createdAt })}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `account disable|enable|password`: an operator's change to one account, audited. */
async function accountChange(what: string, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { db: { type: 'string' }, username: { type: 'string' } },
  });
  if (!values.db) usage('--db <sqlite path | postgres URL> is required');
  if (!values.username) usage('--username <u> is required: the account to change');
  const password = process.env['ACCOUNT_PASSWORD'];
  if (what === 'password' && (!password || password.length < 12)) {
    usage('set ACCOUNT_PASSWORD to the new password (at least 12 characters)');
  }
  const store: AccountStore & AuditStore & Closable = await openStore(values.db);
  try {
    const at = new Date().toISOString();
    const found =
      what === 'password'
        ? await store.setAccountPassword(values.username, await hashPassword(password as string), at)
        : await store.setAccountDisabled(values.username, what === 'disable' ? at : null);
    if (!found) usage(`no account ${values.username}: see the accounts with GET /accounts`);
    await store.audit([
      { ...cliAudit('account', values.username), action: `${what === 'password' ? 'set-password' : what}` },
    ]);
    process.stdout.write(
      `${JSON.stringify({ username: values.username, [what === 'password' ? 'passwordSetAt' : `${what}dAt`]: at })}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
