import { createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import { getDriver } from '@klinik-desa/devices';
import { encode, getSimulation, SIMULATED_BLE_ADDRESS } from '@klinik-desa/devices/simulate';
import { type DeviceMeasurement, DeviceMeasurement as DeviceMeasurementSchema } from '@klinik-desa/protocol';
import { sleep } from '../backoff.js';
import { type Command, UsageError } from '../cli-support.js';
import { openPort } from '../devices/port.js';
import { weighingScript } from '../simulate/scale-script.js';
import { DRIVER_HELP, DRIVER_OPTIONS, loadDriversOf } from './command-drivers.js';

const HELP = `Usage: kiosk-agent simulate --protocol <id> (--port <path> | --listen <host:port>) <what to send>

Plays a device, for tests and demos: writes the bytes the real device would send. A command/response
device (bayer-contour, onetouch-ultra2, ble-gateway) answers the agent's requests instead, handing
over the measurements when asked, until the line closes; the simulated ble-gateway carries one BLE
device at ${SIMULATED_BLE_ADDRESS} (list it in the agent's config under dialogue.devices).

Where:
  --port <path>          a serial port or pty end (e.g. the device end of a socat pair)
  --listen <host:port>   serve the bytes over TCP instead (the agent's port: tcp://host:port);
                         port 0 picks a free one and prints it
What:
  --weights <kg,kg,...>  for scales: one full weighing per value (unstable lines, repeated
                         stable lines, stepping off)
  --measurement <json>   one DeviceMeasurement as JSON (repeatable)
Options:
  --interval-ms <n>      pause between frames (default 100)
  --stay-open            keep the line open after the last frame, as a device left switched
                         on does, until the agent closes it (the agent then shows it ready,
                         not unplugged)
${DRIVER_HELP}
  -h, --help             this help`;

export const simulateCommand: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      protocol: { type: 'string' },
      port: { type: 'string' },
      listen: { type: 'string' },
      weights: { type: 'string' },
      measurement: { type: 'string', multiple: true },
      'interval-ms': { type: 'string' },
      'stay-open': { type: 'boolean' },
      ...DRIVER_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.protocol) throw new UsageError('--protocol <id> is required (see `kiosk-agent protocols`)');
  if (!(await loadDriversOf(values, io))) return 1;
  const driver = getDriver(values.protocol);
  if (!values.port === !values.listen)
    throw new UsageError('give exactly one of --port <path> or --listen <host:port>');
  const interval = Number(values['interval-ms'] ?? 100);
  if (!Number.isFinite(interval) || interval < 0)
    throw new UsageError(`--interval-ms must be a number of milliseconds, not "${values['interval-ms']}"`);

  const frames: DeviceMeasurement[] = [];
  if (values.weights) {
    for (const w of values.weights.split(',')) {
      const kg = Number(w);
      if (!Number.isFinite(kg) || kg <= 0) throw new UsageError(`--weights: "${w}" is not a weight in kg`);
      frames.push(...weighingScript(kg));
    }
  }
  for (const json of values.measurement ?? []) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new UsageError(`--measurement is not JSON: ${json}`);
    }
    const result = DeviceMeasurementSchema.safeParse(parsed);
    if (!result.success)
      throw new UsageError(
        `--measurement: ${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`,
      );
    frames.push(result.data);
  }
  if (frames.length === 0) throw new UsageError('nothing to send: give --weights or --measurement');
  const simulator =
    driver.mode === 'dialogue' ? getSimulation(driver.id).createSimulator?.(frames) : undefined;
  if (driver.mode === 'dialogue' && !simulator)
    throw new UsageError(`${driver.id} is a command/response protocol whose driver has no simulator`);

  let stream: Duplex;
  if (values.port) {
    stream = await openPort(
      values.port,
      driver.serial ?? { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
    );
  } else {
    const [host, portText] = (values.listen as string).split(/:(?=\d+$)/);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(portText), host, resolve);
    });
    const address = server.address();
    io.stdout(
      `simulated ${driver.id} listening on tcp://${host}:${typeof address === 'object' && address ? address.port : portText}`,
    );
    stream = await new Promise<Duplex>((resolve) => server.once('connection', resolve));
    server.close();
  }
  const closed = new Promise<void>((resolve) => stream.once('close', resolve));
  if (simulator) {
    for (const bytes of simulator.greeting?.() ?? []) stream.write(bytes);
    stream.on('data', (chunk: Buffer) => {
      for (const bytes of simulator.onBytes(new Uint8Array(chunk))) stream.write(bytes);
    });
    io.stdout(`answering as ${driver.id} with ${frames.length} measurement(s) until the line closes`);
    await closed;
    io.stdout('the line closed');
    return 0;
  }
  for (const m of frames) {
    stream.write(encode(driver.id, m));
    await sleep(interval);
  }
  if (values['stay-open']) {
    io.stdout(`sent ${frames.length} frames; the line stays open until it closes`);
    // A device left switched on says nothing more: what the agent might send it is read and dropped.
    stream.resume();
    await closed;
    io.stdout('the line closed');
    return 0;
  }
  await new Promise<void>((resolve) => stream.end(resolve));
  io.stdout(`sent ${frames.length} frames`);
  return 0;
};
