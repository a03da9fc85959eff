/**
 * The program of a vendor driver's worker thread, run with `eval` so that it needs no file of its
 * own in the build: it imports the driver package's file, finds the driver by id and answers one
 * message per frame with the measurement or the error, exactly as the driver gave it.
 */
export const DRIVER_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const text = (e) => String((e && e.message) || e).split('\\n')[0].slice(0, 500);
import(workerData.url).then((m) => {
  const found = [];
  for (const key of ['default', 'driver', 'drivers']) {
    const exported = m[key];
    if (exported !== undefined) found.push(...(Array.isArray(exported) ? exported : [exported]));
  }
  const driver = found.find((d) => d && d.id === workerData.driverId);
  if (!driver) throw new Error('the package no longer exports driver ' + workerData.driverId);
  parentPort.on('message', (frame) => {
    try {
      parentPort.postMessage({ measurement: driver.decode(frame) });
    } catch (e) {
      const decodeError = e instanceof Error && e.name === 'DecodeError' && typeof e.code === 'string';
      parentPort.postMessage({ error: { decodeError, code: decodeError ? e.code : undefined, message: text(e) } });
    }
  });
  parentPort.postMessage({ ready: true });
}).catch((e) => parentPort.postMessage({ loadFailed: text(e) }));
`;
