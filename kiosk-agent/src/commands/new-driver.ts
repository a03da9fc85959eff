import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DRIVER_API_VERSION } from '@klinik-desa/devices';
import { type CommandIo, UsageError } from '../cli-support.js';
import { driverNames, fillTemplate, NewDriverError, readTemplate } from '../new-driver/index.js';

const HELP = `Usage: kiosk-agent new-driver <package-name> [--dir <folder>] [--protocol <id>]

Creates a device driver package for this kiosk agent: a decoder and the device's simulator for an
example serial thermometer, conformance and fuzz tests (they pass as created), and a README saying
what to change first. Then:  cd <folder> && npm install && npm test

Options:
  --dir <folder>      where to create it (default: the package name without its scope); it must
                      not exist or be empty
  --protocol <id>     the protocol id kiosk.yaml names (default: from the package name)
  -h, --help          this help`;

/** The version of the devices package this agent runs on: a new driver depends on the same. */
function klinikDesaVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@klinik-desa/devices/package.json') as { version: string }).version;
}

export const newDriverCommand = async (argv: string[], io: CommandIo): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      protocol: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError('name the package to create, e.g. kiosk-agent new-driver @acme/thermo-t1');
  }
  const names = driverNames(positionals[0]!, values.protocol, values.dir);
  const folder = resolve(names.folder);
  let existing: string[] = [];
  try {
    existing = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (existing.length > 0) {
    throw new NewDriverError(`${folder} exists and is not empty; fix: --dir <a new folder>`);
  }
  const files = fillTemplate(readTemplate(), names, {
    driverApi: DRIVER_API_VERSION,
    klinikDesa: klinikDesaVersion(),
  });
  for (const file of files) {
    const path = join(folder, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
  }
  io.stdout(`created ${names.packageName} (protocol ${names.protocolId}) in ${folder}:`);
  for (const file of files) io.stdout(`  ${file.path}`);
  io.stdout('');
  io.stdout(`next: cd ${names.folder} && npm install && npm test`);
  return 0;
};
