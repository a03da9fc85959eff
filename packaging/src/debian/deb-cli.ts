// `pnpm deb`: builds the kiosk agent's Debian package.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PackagingError } from '../errors.js';
import { repoRoot } from '../workspace-packages.js';
import { buildDeb } from './build-deb.js';
import { DEB_ARCHES, type DebArch } from './target.js';

const HELP = `Usage: pnpm deb [--arch amd64|arm64] [--out <folder>]

Builds klinik-desa-kiosk_<version>_<arch>.deb, the kiosk agent's Debian package: the agent and its
npm packages under /usr/lib/klinik-desa-kiosk for Debian's nodejs (20 or newer), the kiosk-agent
command, the klinik-desa-kiosk service, udev rules for the USB-serial adapters and the BLE gateway,
and /etc/klinik-desa/kiosk.yaml. Install it on a kiosk with: apt install ./klinik-desa-kiosk_*.deb

Options:
  --arch <arch>    amd64 (x86 mini-PCs, the default) or arm64 (Raspberry-Pi-class boards; built
                   with Debian's g++-aarch64-linux-gnu)
  --out <folder>   where the .deb and its staging tree go      [default: packaging/out]
  -h, --help       this help`;

/** The options, or the one line that says what is wrong with them. */
export function parseDebArgs(
  argv: string[],
): { help: true } | { help: false; arch: DebArch; outDir: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      arch: { type: 'string', default: 'amd64' },
      out: { type: 'string', default: join(repoRoot, 'packaging', 'out') },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  const arch = values.arch as DebArch;
  if (!DEB_ARCHES.includes(arch))
    throw new Error(`--arch must be ${DEB_ARCHES.join(' or ')}, not "${values.arch}"`);
  return { help: false, arch, outDir: resolve(values.out) };
}

function main(argv: string[]): number {
  let options: ReturnType<typeof parseDebArgs>;
  try {
    options = parseDebArgs(argv);
  } catch (error) {
    console.error(`deb: ${(error as Error).message.split('. ')[0]}; see pnpm deb --help`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  try {
    const built = buildDeb({ arch: options.arch, outDir: options.outDir });
    const mb = (statSync(built.file).size / 1e6).toFixed(1);
    console.log(`${built.file} (${mb} MB)`);
    console.log(`steps (seconds): ${JSON.stringify(built.seconds)}`);
    return 0;
  } catch (error) {
    if (error instanceof PackagingError) {
      console.error(`deb: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
