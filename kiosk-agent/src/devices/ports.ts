import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface SerialPortInfo {
  /** The device node, e.g. /dev/ttyUSB0. */
  path: string;
  /** Stable aliases under /dev/serial/by-id that point at it. */
  byId: string[];
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  /** The kernel driver bound to it (ftdi_sio, cp210x, cdc_acm, pl2303...). */
  driver?: string;
}

export interface SystemPaths {
  sysfsRoot?: string;
  devRoot?: string;
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

/**
 * Serial ports with their USB ids, read straight from sysfs and /dev/serial/by-id. serialport's own
 * `SerialPort.list()` runs `udevadm`, which minimal kiosk images (and containers) do not have; this
 * needs nothing but the kernel's files.
 */
export function listSerialPorts(paths: SystemPaths = {}): SerialPortInfo[] {
  const sysfs = paths.sysfsRoot ?? '/sys';
  const dev = paths.devRoot ?? '/dev';
  const classDir = join(sysfs, 'class/tty');
  let names: string[];
  try {
    names = readdirSync(classDir);
  } catch {
    return [];
  }
  const byId = new Map<string, string[]>();
  const byIdDir = join(dev, 'serial/by-id');
  if (existsSync(byIdDir)) {
    for (const alias of readdirSync(byIdDir)) {
      try {
        const target = basename(resolve(byIdDir, readlinkSync(join(byIdDir, alias))));
        byId.set(target, [...(byId.get(target) ?? []), join(byIdDir, alias)]);
      } catch {
        // A dangling alias: the device just left.
      }
    }
  }
  const ports: SerialPortInfo[] = [];
  for (const name of names.sort()) {
    const deviceLink = join(classDir, name, 'device');
    if (!existsSync(deviceLink)) continue; // virtual consoles and ptys have no device
    let deviceDir: string;
    try {
      deviceDir = realpathSync(deviceLink);
    } catch {
      continue;
    }
    const driver = (() => {
      try {
        return basename(realpathSync(join(deviceDir, 'driver')));
      } catch {
        return undefined;
      }
    })();
    // The 32 legacy ttyS* placeholders of a PC are serial8250 ports with no UART behind them.
    if (driver === 'serial8250' && read(join(classDir, name, 'type')) === '0') continue;
    const info: SerialPortInfo = { path: join(dev, name), byId: byId.get(name) ?? [] };
    if (driver) info.driver = driver;
    // Walk up from the interface to the USB device, which holds idVendor and friends.
    for (let dir = deviceDir; dir !== dirname(dir) && dir.startsWith(resolve(sysfs)); dir = dirname(dir)) {
      const vendorId = read(join(dir, 'idVendor'));
      if (vendorId === undefined) continue;
      info.vendorId = vendorId.toLowerCase();
      const productId = read(join(dir, 'idProduct'));
      if (productId) info.productId = productId.toLowerCase();
      const serialNumber = read(join(dir, 'serial'));
      if (serialNumber) info.serialNumber = serialNumber;
      const manufacturer = read(join(dir, 'manufacturer'));
      if (manufacturer) info.manufacturer = manufacturer;
      const product = read(join(dir, 'product'));
      if (product) info.product = product;
      break;
    }
    ports.push(info);
  }
  return ports;
}

export interface UsbMatch {
  vendorId: string;
  productId: string;
  serialNumber?: string | undefined;
}

/** The port of a USB device by its ids, wherever the kernel put it this time. */
export function findUsbPort(match: UsbMatch, paths: SystemPaths = {}): SerialPortInfo | undefined {
  return listSerialPorts(paths).find(
    (p) =>
      p.vendorId === match.vendorId.toLowerCase() &&
      p.productId === match.productId.toLowerCase() &&
      (match.serialNumber === undefined || p.serialNumber === match.serialNumber),
  );
}
