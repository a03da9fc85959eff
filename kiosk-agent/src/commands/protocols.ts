import { parseArgs } from 'node:util';
import { listProtocols, type ProtocolInfo } from '@klinik-desa/devices';
import { type Command, UsageError } from '../cli-support.js';
import { DRIVER_HELP, DRIVER_OPTIONS, loadDriversOf } from './command-drivers.js';

const HELP = `Usage: kiosk-agent protocols [--json] [--config <kiosk.yaml>] [--driver <package>]...

Lists the device protocols this agent understands, one a line: id, mode (stream: the device talks
by itself; dialogue: the agent must ask), transport, measurement kinds, vendor and models. Use the
id as a device's "protocol" in the kiosk config.

Options:
  --json                  the full descriptions (serial settings, framing) as a JSON array
${DRIVER_HELP}
  -h, --help              this help`;

function line(p: ProtocolInfo): string {
  const serial = p.serial
    ? ` ${p.serial.baudRate} ${p.serial.dataBits}${p.serial.parity[0]!.toUpperCase()}${p.serial.stopBits}`
    : '';
  return [
    p.id.padEnd(20),
    p.mode.padEnd(9),
    `${p.transport}${serial}`.padEnd(22),
    p.kinds.join(',').padEnd(24),
    `${p.vendor}: ${p.models.join(', ')}`,
  ].join(' ');
}

export const protocolsCommand: Command = async (argv, io) => {
  let values: { json?: boolean; help?: boolean; config?: string; driver?: string[] };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        ...DRIVER_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!(await loadDriversOf(values, io))) return 1;
  const protocols = listProtocols();
  if (values.json) {
    io.stdout(JSON.stringify(protocols, null, 2));
    return 0;
  }
  for (const protocol of protocols) io.stdout(line(protocol));
  return 0;
};
