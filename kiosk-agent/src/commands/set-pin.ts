import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { ReadStream } from 'node:tty';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { type CommandIo, UsageError } from '../cli-support.js';
import { ConfigError, parseConfig } from '../config/config.js';
import { hashPagePin, PAGE_PIN } from '../config/page-pin.js';
import { writeFileDurably } from '../files/durable-write.js';
import { askHidden, firstLine } from './read-pin.js';

const HELP = `Usage: kiosk-agent set-pin --config <kiosk.yaml>

Sets the health worker's PIN that unlocks the kiosk page. The page shows patients' names and
health data, so it starts locked, locks itself after http.page.lockAfterMinutes without use (3 by
default) and opens again with this PIN; the agent's local API answers patient look-ups and
screening changes only to a page unlocked with it.

The PIN (4 to 8 digits) is read from standard input: typed twice, without echo, at a terminal;
the first line otherwise (e.g. from a password manager's pipe). Only its scrypt hash is written,
to http.page.pinHash in the config file; the rest of the file stays as it is. Restart the agent
afterwards (systemctl restart kiosk-agent): open page sessions end with it.

Options:
  -c, --config <path>   the kiosk config file (YAML)     [required]
  -h, --help            this help`;

/** What set-pin reads the PIN from: the process's stdin, or a stream in tests. */
export type SetPinIo = CommandIo & { stdin?: Readable };

export const setPinCommand = async (argv: string[], io: SetPinIo): Promise<number> => {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.config) throw new UsageError('--config <kiosk.yaml> is required');
  const path = values.config;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new ConfigError(`${path} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`);

  const stdin = io.stdin ?? process.stdin;
  const pin = (stdin as ReadStream).isTTY ? await askTwice(stdin as ReadStream, io) : await firstLine(stdin);
  if (!PAGE_PIN.test(pin)) throw new UsageError('the PIN must be 4 to 8 digits (0-9); nothing was changed');

  doc.setIn(['http', 'page', 'pinHash'], await hashPagePin(pin));
  // The file must still be a config the agent starts with: checked before it is replaced.
  parseConfig(doc.toJS(), dirname(resolve(path)));
  const before = statSync(path);
  // Mode, owner and group kept: a config of mode 0640 is read by the agent through its group, and
  // root running set-pin would otherwise leave a root-only file the agent cannot start with. Written
  // durably: a config cut short by a power cut would keep the agent from starting at all.
  try {
    writeFileDurably(path, doc.toString(), before.mode & 0o777, { uid: before.uid, gid: before.gid });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM') throw error;
    throw new ConfigError(
      `cannot keep the owner of ${path} (${code}); nothing was changed: run set-pin as root or as the file's owner`,
    );
  }
  io.stdout(`${path}: PIN set (http.page.pinHash). Restart the agent to use it.`);
  return 0;
};

async function askTwice(tty: ReadStream, io: CommandIo): Promise<string> {
  const pin = await askHidden(tty, 'PIN petugas (4-8 angka): ');
  const again = await askHidden(tty, 'Ulangi PIN: ');
  if (pin !== again) throw new UsageError('the two PINs differ; nothing was changed');
  io.stderr('');
  return pin;
}
