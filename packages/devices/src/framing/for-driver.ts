import type { Transform } from 'node:stream';
import type { DeviceDriver, FramerOptions, FrameSplitter } from '../driver.js';
import { createLineFramer, createLineSplitter, type LineSplitterOptions } from './line-framer.js';
import { framerStream } from './stream.js';

function lineOptions(driver: DeviceDriver, options: FramerOptions): LineSplitterOptions {
  if (driver.framing.type !== 'line') throw new TypeError(`${driver.id} has no line framing`);
  return {
    delimiter: driver.framing.delimiter,
    maxFrameBytes: options.maxFrameBytes ?? driver.framing.maxFrameBytes,
    protocol: driver.id,
    ...(options.onDiscard ? { onDiscard: options.onDiscard } : {}),
  };
}

/** The splitter for any driver: its own for `custom` framing, a line splitter for `line`, none for `packet`. */
export function createSplitter(driver: DeviceDriver, options: FramerOptions = {}): FrameSplitter {
  const { framing } = driver;
  if (framing.type === 'line') return createLineSplitter(lineOptions(driver, options));
  if (framing.type === 'packet') {
    // One message is one frame: nothing is split or joined.
    return { push: (chunk) => (chunk.length > 0 ? [chunk.slice()] : []), end: () => {} };
  }
  if (driver.createSplitter) return driver.createSplitter(options);
  throw new TypeError(`${driver.id} has custom framing but no createSplitter(); use createFramerFor()`);
}

/** The framer stream for any driver: what the agent runs on a port, and what the conformance suite tests. */
export function createFramerFor(driver: DeviceDriver, options: FramerOptions = {}): Transform {
  if (driver.framing.type === 'line') return createLineFramer(lineOptions(driver, options));
  if (driver.framing.type === 'custom') {
    if (!driver.createFramer) throw new TypeError(`${driver.id} has custom framing but no createFramer()`);
    return driver.createFramer(options);
  }
  return framerStream(createSplitter(driver, options));
}
