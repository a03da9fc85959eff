// One framer per framing type: `line` (serialport's readline parser with a cap), `packet` (one
// message, one frame) and `custom` (the driver's own). The agent and the conformance suite both
// take theirs from `createFramerFor`/`createSplitter`, so what is tested is what runs.
export { createFramerFor, createSplitter } from './for-driver.js';
export { checkMaxFrameBytes } from './limits.js';
export { createLineFramer, createLineSplitter, LineFramer, type LineSplitterOptions } from './line-framer.js';
export { framerStream } from './stream.js';
