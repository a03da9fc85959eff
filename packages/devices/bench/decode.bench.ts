/**
 * Decodes per second for every built-in protocol, next to JSON.parse of the same measurement as a
 * JSON document, measured in the same run on the same machine. The aim: a GATT frame decodes
 * faster than its JSON twin parses (ratio above 1). Run with `pnpm bench devices`.
 */
import { BUILT_IN_DRIVERS, type DeviceDriver, decode } from '@klinik-desa/devices';
import { getSimulation } from '@klinik-desa/devices/simulate';

const WARMUP_MS = 60;
const MEASURE_MS = 220;
const ROUNDS = 2;

declare const gc: (() => void) | undefined;

/** What the agent hands to decode: a line framer strips the line's delimiter. */
function frameOf(driver: DeviceDriver): Uint8Array {
  const simulation = getSimulation(driver.id);
  const example = simulation.examples?.[0];
  if (!example) throw new Error(`${driver.id} has no example to measure`);
  const bytes = simulation.encode(example);
  if (driver.framing.type !== 'line') return bytes;
  const delimiter = Buffer.from(driver.framing.delimiter, 'latin1');
  const text = Buffer.from(bytes);
  return text.subarray(text.length - delimiter.length).equals(delimiter)
    ? bytes.subarray(0, bytes.length - delimiter.length)
    : bytes;
}

let sink = 0;
// Results are kept here so the engine cannot skip building them.
let kept: unknown;

/** Operations per second of `run`, best of the rounds. */
function opsPerSecond(run: () => number): number {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (typeof gc === 'function') gc();
    const warmEnd = performance.now() + WARMUP_MS;
    while (performance.now() < warmEnd) sink += run();
    let operations = 0;
    const start = performance.now();
    let now = start;
    while (now - start < MEASURE_MS) {
      // Batches keep the clock out of the measurement.
      for (let i = 0; i < 200; i++) sink += run();
      operations += 200;
      now = performance.now();
    }
    best = Math.max(best, (operations * 1000) / (now - start));
  }
  return best;
}

const format = (n: number) => Math.round(n).toLocaleString('en').padStart(12);

const rows: { id: string; bytes: number; decodes: number; parses: number; gatt: boolean }[] = [];
for (const driver of BUILT_IN_DRIVERS) {
  const frame = frameOf(driver);
  const first = decode(driver.id, frame);
  if (!first.ok) throw first.error;
  const json = JSON.stringify(first.measurement);
  const decodes = opsPerSecond(() => {
    const result = decode(driver.id, frame);
    kept = result;
    return result.ok ? 1 : 0;
  });
  const parses = opsPerSecond(() => {
    const parsed = JSON.parse(json);
    kept = parsed;
    return parsed === null ? 0 : 1;
  });
  rows.push({ id: driver.id, bytes: frame.length, decodes, parses, gatt: driver.id.startsWith('gatt-') });
}

console.log(
  `@klinik-desa/devices decode throughput (node ${process.version}, best of ${ROUNDS} × ${MEASURE_MS} ms)`,
);
console.log(
  `${'protocol'.padEnd(20)} ${'frame B'.padStart(7)} ${'decodes/s'.padStart(12)} ${'JSON.parse/s'.padStart(12)}  ratio`,
);
for (const row of rows) {
  const ratio = row.decodes / row.parses;
  console.log(
    `${row.id.padEnd(20)} ${String(row.bytes).padStart(7)} ${format(row.decodes)} ${format(row.parses)}  ${ratio.toFixed(2)}×`,
  );
}
const gatt = rows.filter((r) => r.gatt);
const faster = gatt.filter((r) => r.decodes > r.parses).length;
console.log(`GATT frames decoding faster than JSON.parse of their JSON: ${faster} of ${gatt.length}`);
if (sink === -1) console.log(kept);
