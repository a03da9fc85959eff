import { parseArgs } from 'node:util';
import type { Command } from '../cli-support.js';
import { listSerialPorts } from '../devices/ports.js';

const HELP = `Usage: kiosk-agent ports [--json]

Lists the serial ports of this machine with their USB ids, for the kiosk config: use the path, or
better the usb ids (vendorId, productId, serialNumber), which still find the device when a replug
moves it to another path. Reads sysfs directly, so it works without udevadm.

Options:
  --json       one JSON array instead of a table
  -h, --help   this help`;

export const portsCommand: Command = (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const ports = listSerialPorts();
  if (values.json) {
    io.stdout(JSON.stringify(ports, null, 2));
    return 0;
  }
  if (ports.length === 0) {
    io.stdout('no serial ports found (is the USB adapter plugged in?)');
    return 0;
  }
  for (const p of ports) {
    const ids = p.vendorId
      ? `usb ${p.vendorId}:${p.productId ?? '????'}${p.serialNumber ? ` serial ${p.serialNumber}` : ''}`
      : 'no usb ids';
    const what = [p.manufacturer, p.product].filter(Boolean).join(' ');
    io.stdout(`${p.path}  ${ids}${what ? `  ${what}` : ''}${p.driver ? `  (${p.driver})` : ''}`);
    for (const alias of p.byId) io.stdout(`    ${alias}`);
  }
  return 0;
};
