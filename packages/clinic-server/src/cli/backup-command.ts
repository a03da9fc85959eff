import { parseArgs } from 'node:util';
import { backupClinicRecord, restoreClinicRecord } from '../backup/index.js';
import { ConfigError } from '../errors.js';

export const BACKUP_HELP = `Usage: clinic-server backup --db <sqlite path | postgres URL> --out <file>

Copies the clinic record into <file> while the server keeps running and writing:
  - SQLite: SQLite's online backup, one consistent snapshot of the record;
  - PostgreSQL: pg_dump --format=custom (needs PostgreSQL's client programs, Debian package
    postgresql-client, of the server's major version or newer). A password in the URL is handed
    to pg_dump in PGPASSWORD, not on its command line.
Every reading whose receipt a kiosk had before the backup started is in it. <file> must not exist;
the copy is written beside it and renamed into place once whole.

Options:
  --db <path|url>     the clinic record (also DATABASE_URL)                          [required]
  --out <file>        the backup file to write                                        [required]`;

export const RESTORE_HELP = `Usage: clinic-server restore --from <file> --db <sqlite path | postgres URL> [--force]

Restores a file written by clinic-server backup into the record at --db, then opens it with this
server's store, which runs its migrations: a backup of an older version comes out ready to start.
A SQLite backup restores into a SQLite path, a PostgreSQL one into a PostgreSQL database (make an
empty one first: createdb). Prints the restored record's reading count and schema version.

Options:
  --from <file>       the backup file                                                 [required]
  --db <path|url>     the record to restore into: a new file or an empty database     [required]
  --force             replace a record that already holds data (its rows are lost)`;

function usage(message: string): never {
  throw new ConfigError('USAGE', message);
}

export async function backupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { db: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(BACKUP_HELP);
    return 0;
  }
  const db = values.db ?? process.env['DATABASE_URL'];
  if (!db) usage('--db <sqlite path | postgres URL> is required: the record to back up');
  if (!values.out) usage('--out <file> is required: where to write the backup');
  const result = await backupClinicRecord(db, values.out);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

export async function restoreCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      from: { type: 'string' },
      db: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(RESTORE_HELP);
    return 0;
  }
  if (!values.from) usage('--from <file> is required: the backup to restore');
  // No DATABASE_URL fallback: a restore aimed by the environment at the live record would be a
  // mistake too easy to make.
  if (!values.db) usage('--db <sqlite path | postgres URL> is required: the new record to restore into');
  const result = await restoreClinicRecord(values.from, values.db, { force: values.force ?? false });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}
