import { parseArgs } from 'node:util';
import {
  type DecodeError,
  decode,
  decodeCharacteristic,
  fromHex,
  isDecodeError,
  shortUuid,
  toBytes,
  toHex,
} from '@klinik-desa/devices';
import { type Command, type CommandIo, UsageError } from '../cli-support.js';
import { DRIVER_HELP, DRIVER_OPTIONS, loadDriversOf } from './command-drivers.js';

const HELP = `Usage:
  kiosk-agent decode --gatt <characteristic> <hex>
  kiosk-agent decode --protocol <id> --hex <hex of the whole frame>
  kiosk-agent decode --protocol <id> '<text line>'

Decodes one frame exactly as a device sent it and prints the measurement as JSON. Exits 0 when it
decodes, 1 with "<CODE>: <message>" when it does not (BAD_CHECKSUM, TRUNCATED, BAD_FORMAT, ...).

Options:
  -g, --gatt <uuid>       a GATT characteristic value: 2a35, 0x2A35 or the 128-bit form.
                          Also decodes 2a08 (date time), 2a34 (glucose context), 2a52 (RACP), 2a36.
  -p, --protocol <id>     a protocol id from \`kiosk-agent protocols\` (ad-scale, tanita, bayer-contour,
                          onetouch-ultra2, contec-cms50d-plus, ble-gateway, gatt-2a35, ...)
  -x, --hex <hex>         the frame as hex, terminators included (spaces allowed)
${DRIVER_HELP}
      --compact           print the JSON on one line
  -h, --help              this help

Examples:
  kiosk-agent decode --gatt 2a35 1e8e005b006c00e9070716091e054800010400
  kiosk-agent decode --protocol ad-scale 'ST,+00062.45 kg'
  kiosk-agent decode --protocol bayer-contour --hex 0235527c...0d0a`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        gatt: { type: 'string', short: 'g' },
        protocol: { type: 'string', short: 'p' },
        hex: { type: 'string', short: 'x' },
        ...DRIVER_OPTIONS,
        compact: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function hexArgument(text: string, what: string): Uint8Array {
  try {
    return fromHex(text);
  } catch {
    throw new UsageError(`${what} is not hex: ${JSON.stringify(text)}`);
  }
}

/** Bytes print as hex, not as `{"0":1,"1":2}`. */
function json(value: unknown, compact: boolean): string {
  return JSON.stringify(
    value,
    (_key, v) => (v instanceof Uint8Array ? toHex(v) : v),
    compact ? undefined : 2,
  );
}

function failure(io: CommandIo, error: DecodeError): number {
  io.stderr(`${error.code}: ${error.message}`);
  return 1;
}

export const decodeCommand: Command = async (argv, io) => {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const compact = values.compact ?? false;
  if (!(await loadDriversOf(values, io))) return 1;

  if (values.gatt !== undefined) {
    if (values.protocol !== undefined) throw new UsageError('give --gatt or --protocol, not both');
    if (shortUuid(values.gatt) === undefined)
      throw new UsageError(`${values.gatt} is not a 16-bit GATT UUID`);
    const hex = values.hex ?? positionals.join('');
    if (hex === '') throw new UsageError('give the characteristic value as hex: decode --gatt 2a35 <hex>');
    const frame = hexArgument(hex, 'the characteristic value');
    try {
      const value = decodeCharacteristic(values.gatt, frame);
      io.stdout(json(value.type === 'measurement' ? value.measurement : value, compact));
      return 0;
    } catch (error) {
      if (isDecodeError(error)) return failure(io, error);
      throw error;
    }
  }

  if (values.protocol === undefined)
    throw new UsageError('give --gatt <uuid> or --protocol <id> (see --help)');
  let frame: Uint8Array;
  if (values.hex !== undefined) {
    if (positionals.length > 0) throw new UsageError('give --hex or a text line, not both');
    frame = hexArgument(values.hex, '--hex');
  } else {
    if (positionals.length === 0) throw new UsageError('give the frame: --hex <hex> or a quoted text line');
    if (positionals.length > 1) throw new UsageError('quote the text line so it is one argument');
    frame = toBytes(positionals[0]!);
  }
  const result = decode(values.protocol, frame);
  if (!result.ok) return failure(io, result.error);
  io.stdout(json(result.measurement, compact));
  return 0;
};
