import { fileURLToPath } from 'node:url';
import { BUILT_IN_DRIVERS, type DeviceDriver, fromHex } from '@klinik-desa/devices';
import { encode, getSimulation } from '@klinik-desa/devices/simulate';
import { loadSharedVectors, protocolOfVector } from '@klinik-desa/devices/testing';
import { describe, expect, it } from 'vitest';
import { DRIVER_BUDGET } from './driver-budget.js';

// Built-in drivers decode in the agent's own thread, uncontained: they are held to the vendor
// drivers' per-frame budget here, on every shared vector, their own examples and worst-case frames.
const VECTORS = fileURLToPath(new URL('../../../packages/devices/vectors', import.meta.url));
const vectors = loadSharedVectors(VECTORS);

function framesOf(driver: DeviceDriver): Uint8Array[] {
  const frames = vectors.filter((v) => protocolOfVector(v) === driver.id).map((v) => fromHex(v.hex));
  for (const example of getSimulation(driver.id).examples ?? []) {
    try {
      frames.push(encode(driver.id, example));
    } catch {
      // An example some encoders cannot write (a dialogue's records) is covered by the vectors.
    }
  }
  // The largest frame the framer lets through, of noise and of one repeated byte.
  const max = driver.framing.maxFrameBytes;
  frames.push(
    Uint8Array.from({ length: max }, (_, i) => (i * 7919) & 0xff),
    new Uint8Array(max).fill(0x30),
  );
  return frames;
}

/** The slowest frame's decode, in ms: each frame timed several times and its fastest run kept (noise of other tests aside). */
function slowestFrameMs(driver: DeviceDriver, frames: readonly Uint8Array[]): number {
  let slowest = 0;
  for (const frame of frames) {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      try {
        driver.decode(frame);
      } catch {
        // A rejected frame costs time too: that time is what is measured.
      }
      best = Math.min(best, performance.now() - started);
    }
    slowest = Math.max(slowest, best);
  }
  return slowest;
}

describe('built-in drivers keep to the driver budget', () => {
  it.each(BUILT_IN_DRIVERS.map((d) => [d.id, d] as const))(
    '%s decodes every frame within it',
    (_id, driver) => {
      const frames = framesOf(driver);
      expect(frames.length).toBeGreaterThan(2);
      expect(slowestFrameMs(driver, frames)).toBeLessThan(DRIVER_BUDGET.decodeMs);
    },
  );
});
