import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUsbPort, listSerialPorts } from './ports.js';

/** A sysfs and /dev laid out as the kernel does for USB serial adapters, in a temp folder. */
function fakeSystem() {
  const root = mkdtempSync(join(tmpdir(), 'kd-sysfs-'));
  const sys = join(root, 'sys');
  const dev = join(root, 'dev');
  mkdirSync(join(sys, 'class/tty'), { recursive: true });
  mkdirSync(join(sys, 'bus/usb/drivers/ftdi_sio'), { recursive: true });
  mkdirSync(join(dev, 'serial/by-id'), { recursive: true });
  const addUsb = (tty: string, usbDir: string, ids: Record<string, string>) => {
    const usb = join(sys, 'devices/pci0000:00/0000:00:14.0', usbDir);
    const iface = join(usb, `${usbDir}:1.0`);
    mkdirSync(join(iface, tty), { recursive: true });
    for (const [k, v] of Object.entries(ids)) writeFileSync(join(usb, k), `${v}\n`);
    symlinkSync(join(sys, 'bus/usb/drivers/ftdi_sio'), join(iface, tty, 'driver'));
    mkdirSync(join(sys, 'class/tty', tty));
    symlinkSync(join(iface, tty), join(sys, 'class/tty', tty, 'device'));
    writeFileSync(join(dev, tty), '');
  };
  // A console with no device behind it, and a legacy placeholder port.
  mkdirSync(join(sys, 'class/tty/tty0'));
  const platform = join(sys, 'devices/platform/serial8250/tty/ttyS0');
  mkdirSync(platform, { recursive: true });
  mkdirSync(join(sys, 'bus/platform/drivers/serial8250'), { recursive: true });
  symlinkSync(join(sys, 'bus/platform/drivers/serial8250'), join(platform, 'driver'));
  mkdirSync(join(sys, 'class/tty/ttyS0'));
  symlinkSync(platform, join(sys, 'class/tty/ttyS0/device'));
  writeFileSync(join(sys, 'class/tty/ttyS0/type'), '0\n');
  return { sys, dev, addUsb };
}

describe('listSerialPorts (no udevadm needed)', () => {
  it('lists USB serial ports with their ids and by-id aliases, and nothing else', () => {
    const { sys, dev, addUsb } = fakeSystem();
    addUsb('ttyUSB0', '1-1', {
      idVendor: '0403',
      idProduct: '6001',
      serial: 'A10K2Z3B',
      manufacturer: 'FTDI',
      product: 'FT232R USB UART',
    });
    addUsb('ttyUSB1', '1-2', { idVendor: '10C4', idProduct: 'EA60' });
    symlinkSync('../../ttyUSB0', join(dev, 'serial/by-id/usb-FTDI_FT232R_USB_UART_A10K2Z3B-if00-port0'));
    expect(listSerialPorts({ sysfsRoot: sys, devRoot: dev })).toEqual([
      {
        path: join(dev, 'ttyUSB0'),
        byId: [join(dev, 'serial/by-id/usb-FTDI_FT232R_USB_UART_A10K2Z3B-if00-port0')],
        vendorId: '0403',
        productId: '6001',
        serialNumber: 'A10K2Z3B',
        manufacturer: 'FTDI',
        product: 'FT232R USB UART',
        driver: 'ftdi_sio',
      },
      { path: join(dev, 'ttyUSB1'), byId: [], vendorId: '10c4', productId: 'ea60', driver: 'ftdi_sio' },
    ]);
  });

  it('finds a device by its USB ids after it moved to another path', () => {
    const { sys, dev, addUsb } = fakeSystem();
    addUsb('ttyUSB3', '1-4', { idVendor: '0403', idProduct: '6001', serial: 'SCALE-7' });
    addUsb('ttyUSB4', '1-5', { idVendor: '0403', idProduct: '6001', serial: 'METER-2' });
    expect(
      findUsbPort(
        { vendorId: '0403', productId: '6001', serialNumber: 'METER-2' },
        { sysfsRoot: sys, devRoot: dev },
      )?.path,
    ).toBe(join(dev, 'ttyUSB4'));
    expect(
      findUsbPort({ vendorId: '067b', productId: '2303' }, { sysfsRoot: sys, devRoot: dev }),
    ).toBeUndefined();
  });

  it('returns nothing on a system without sysfs', () => {
    expect(listSerialPorts({ sysfsRoot: '/nonexistent' })).toEqual([]);
  });

  it('reads the real machine without throwing', () => {
    expect(Array.isArray(listSerialPorts())).toBe(true);
  });
});
