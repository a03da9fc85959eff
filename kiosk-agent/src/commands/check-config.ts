import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getDriver } from '@klinik-desa/devices';
import { type Command, UsageError } from '../cli-support.js';
import { brokerCa, brokerPassword, ConfigError, loadConfig } from '../config/config.js';
import { findUsbPort } from '../devices/ports.js';
import { loadCommandDrivers } from '../drivers/load-drivers.js';
import { planVendorBluetooth } from '../drivers/vendor-bluetooth.js';

const HELP = `Usage: kiosk-agent check-config --config <kiosk.yaml>

Checks a kiosk config without starting anything: every key, every driver package, every device
protocol, the password file. Prints each problem with its key and its fix, and exits 2 when there is one. Devices that are
not plugged in right now are reported as notes, not problems.

Options:
  -c, --config <path>   the kiosk config file (YAML)     [required]
  -d, --driver <pkg>    a vendor driver package or path to load too (repeatable)
  -h, --help            this help`;

export const checkConfigCommand: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      driver: { type: 'string', short: 'd', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.config) throw new UsageError('--config <kiosk.yaml> is required');
  const config = loadConfig(values.config);
  const drivers = await loadCommandDrivers({
    configPath: values.config,
    configured: config.drivers,
    flags: values.driver,
  });
  const problems: string[] = drivers.refused.map((r) => r.message);
  const notes: string[] = [];
  config.devices.forEach((d, i) => {
    try {
      getDriver(d.protocol);
    } catch {
      const refused = drivers.refused.length > 0 ? ' (a driver package above was refused)' : '';
      problems.push(
        `devices.${i}.protocol: unknown protocol "${d.protocol}"${refused}; fix: use one from \`kiosk-agent protocols --config ${values.config}\``,
      );
    }
    // A device behind the gateway naming its vendor-Bluetooth driver: loaded, and speaking Bluetooth.
    problems.push(...planVendorBluetooth(d, drivers, `devices.${i}`).problems);
    if (d.usb) {
      if (!findUsbPort(d.usb, config.system))
        notes.push(
          `devices.${i} (${d.id}): no port with USB ids ${d.usb.vendorId}:${d.usb.productId} is plugged in now`,
        );
    } else if (d.port && !d.port.startsWith('tcp://') && !existsSync(d.port)) {
      notes.push(`devices.${i} (${d.id}): ${d.port} does not exist now (unplugged?)`);
    }
  });
  for (const read of [brokerPassword, brokerCa]) {
    try {
      read(config);
    } catch (error) {
      if (error instanceof ConfigError) problems.push(error.message);
      else throw error;
    }
  }
  if (config.http.page.pinHash === undefined)
    notes.push(
      `http.page.pinHash is not set: the kiosk page cannot be unlocked; fix: kiosk-agent set-pin --config ${values.config}`,
    );
  for (const note of notes) io.stdout(`note: ${note}`);
  if (problems.length > 0) {
    for (const p of problems) io.stderr(p);
    return 2;
  }
  io.stdout(
    `${values.config}: OK (kiosk ${config.kiosk.id} of clinic ${config.kiosk.clinicId}, ${config.devices.length} device(s), broker ${config.mqtt.url})`,
  );
  return 0;
};
