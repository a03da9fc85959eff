import type { DeviceMeasurement } from '@klinik-desa/protocol';
import type { Dialogue, DialogueEvent, DialogueStep, FrameSplitter } from '../driver.js';
import type { DecodeError } from '../errors.js';
import type { SimulatedDevice } from '../simulate/simulation.js';

export type { SimulatedDevice } from '../simulate/simulation.js';

export interface DialogueTranscript {
  measurements: DeviceMeasurement[];
  errors: DecodeError[];
  events: DialogueEvent[];
  /** Every write of the host, in order. */
  written: Uint8Array[];
  done: boolean;
  /** Times the host was told that its `timeoutMs` had passed. */
  timeouts: number;
  /** The last `remember` of a step: what the agent would hand a later dialogue on the same port. */
  remembered?: unknown;
}

/**
 * Runs a dialogue against a simulated device with no port and no clock: every write goes to the
 * device, every byte it answers goes through the splitter to `onFrame`, and when the line falls
 * silent the host's `onTimeout` is called (as the agent would after `timeoutMs`). `tamper` can
 * change or drop bytes on their way to the host, to test retries.
 */
export function runDialogue(
  dialogue: Dialogue,
  device: SimulatedDevice,
  splitter: FrameSplitter,
  options: {
    maxTimeouts?: number;
    maxSteps?: number;
    tamper?: (bytes: Uint8Array) => Uint8Array | undefined;
  } = {},
): DialogueTranscript {
  const transcript: DialogueTranscript = {
    measurements: [],
    errors: [],
    events: [],
    written: [],
    done: false,
    timeouts: 0,
  };
  const toDevice: Uint8Array[] = [];
  const absorb = (step: DialogueStep) => {
    transcript.measurements.push(...step.measurements);
    transcript.errors.push(...step.errors);
    transcript.events.push(...step.events);
    transcript.written.push(...step.write);
    toDevice.push(...step.write);
    transcript.done = step.done;
    if (step.remember !== undefined) transcript.remembered = step.remember;
    return step;
  };
  let last = absorb(dialogue.start());
  const maxSteps = options.maxSteps ?? 10_000;
  for (let steps = 0; steps < maxSteps && !transcript.done; steps++) {
    const incoming: Uint8Array[] = [];
    while (toDevice.length > 0) incoming.push(...device.onBytes(toDevice.shift()!));
    const frames: Uint8Array[] = [];
    for (const bytes of incoming) {
      const delivered = options.tamper ? options.tamper(bytes) : bytes;
      if (delivered) frames.push(...splitter.push(delivered));
    }
    if (frames.length === 0) {
      if (last.timeoutMs === undefined || transcript.timeouts >= (options.maxTimeouts ?? 20)) break;
      transcript.timeouts++;
      last = absorb(dialogue.onTimeout());
      continue;
    }
    for (const frame of frames) {
      last = absorb(dialogue.onFrame(frame));
      if (transcript.done) break;
    }
  }
  return transcript;
}
