import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SerialSettings } from '@klinik-desa/devices';
import { SerialPort } from 'serialport';

/** How a device connection opens its port; resolves once it is open. */
export type OpenPort = (path: string, settings: SerialSettings) => Promise<Duplex>;

/**
 * Opens what a device is plugged into: a serial port path (`/dev/ttyUSB0`, a pty in tests), or
 * `tcp://host:port` for serial-over-IP adapters and gateways on the kiosk's network (ser2net-style
 * raw TCP). Resolves once the port is open.
 */
export async function openPort(path: string, settings: SerialSettings): Promise<Duplex> {
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(path);
  if (tcp) {
    const socket = connect(Number(tcp[2]), tcp[1] as string);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve();
      });
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    return socket;
  }
  const port = new SerialPort({
    path,
    baudRate: settings.baudRate,
    dataBits: settings.dataBits,
    parity: settings.parity,
    stopBits: settings.stopBits,
    autoOpen: false,
    // Cheap USB adapters and ptys do not all support locking; one agent owns a port by design.
    lock: false,
  });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  if (settings.dtr !== undefined) {
    // Some cables take their power from DTR (the Contour's): raise it once the port is open.
    try {
      await new Promise<void>((resolve, reject) =>
        port.set({ dtr: settings.dtr as boolean }, (error) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      // A pseudo-terminal (tests, serial-over-IP bridges) has no modem lines: nothing to power.
      if (!/Inappropriate ioctl/.test((error as Error).message)) {
        await new Promise<void>((resolve) => port.close(() => resolve()));
        throw error;
      }
    }
  }
  return port;
}
