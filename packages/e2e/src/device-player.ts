import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';

/**
 * Plays a command/response device (a meter, the BLE gateway) on the device end of a pty: every
 * byte the agent writes goes to the simulator, and what the simulator answers goes back. Runs in a polling loop on a non-blocking fd.
 */
export function playDevice(
  devicePath: string,
  device: { onBytes(b: Uint8Array): Uint8Array[] },
  first: Uint8Array[] = [],
) {
  const fd = openSync(devicePath, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
  for (const out of first) writeSync(fd, out);
  let stopped = false;
  const buffer = Buffer.alloc(4096);
  const written: number[] = [];
  const loop = async () => {
    while (!stopped) {
      let n = 0;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      }
      if (n > 0) {
        written.push(...buffer.subarray(0, n));
        for (const out of device.onBytes(buffer.subarray(0, n))) writeSync(fd, out);
      } else {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  const running = loop();
  return {
    hostBytes: () => Buffer.from(written),
    async stop() {
      stopped = true;
      await running.catch(() => undefined);
      closeSync(fd);
    },
  };
}
