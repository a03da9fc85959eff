import { DeviceMeasurement, type DeviceMeasurement as Measurement } from '@klinik-desa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toBytes, toHex } from '../bytes.js';
import type { FrameSplitter } from '../driver.js';
import { type DecodeErrorCode, isDecodeError } from '../errors.js';
import { createFramerFor, createSplitter } from '../framing/index.js';
import { driverProblems } from '../plugin-shape.js';
import type { SimulatedDriver } from '../simulate/simulation.js';
import { fuzzFrameFromSeed } from './fuzz.js';

const FUZZ_BATCH = 10;
const DIALOGUE_FUZZ_FRAMES = 5_000;

/** A frame and what decoding it must give: a measurement, or a decode error code. */
export interface ConformanceVector {
  name: string;
  frame: Uint8Array | string;
  expect: Measurement | { error: DecodeErrorCode };
}

export interface ConformanceOptions {
  vectors?: readonly ConformanceVector[];
  /** Measurements the driver can encode, for the round trip. Default: `driver.examples`. */
  measurements?: fc.Arbitrary<Measurement>;
  /** Default 1,000. */
  roundTripRuns?: number;
  /** Random and mutated frames per run. Default 100,000 (`KLINIK_FUZZ_RUNS` overrides). */
  fuzzRuns?: number;
  /** Longest random frame. Default: the framing's maximum, capped at 256. */
  fuzzMaxLength?: number;
  /** Rewrites a frame's checksum, so fuzzed content reaches the parser behind it. */
  fixChecksum?: (frame: Uint8Array) => Uint8Array;
  /** Default 300. */
  chunkRuns?: number;
  /** Options for `createDialogue()` when the driver has one. */
  dialogueOptions?: Record<string, unknown>;
  /** Timeout of each fuzz test, for slow machines. Default 60,000 ms. */
  timeoutMs?: number;
}

function fuzzRunsFromEnvironment(): number | undefined {
  const text = typeof process === 'undefined' ? undefined : process.env['KLINIK_FUZZ_RUNS'];
  const runs = text === undefined ? Number.NaN : Number(text);
  return Number.isInteger(runs) && runs > 0 ? runs : undefined;
}

/** Splits `bytes` at the given cut points (any order, duplicates fine). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(bytes.length, c))))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

export function framesOf(splitter: FrameSplitter, chunks: readonly Uint8Array[]): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (const chunk of chunks) frames.push(...splitter.push(chunk));
  splitter.end();
  return frames;
}

/** Feeds chunks through a framer stream and collects its frames. */
export async function framesOfStream(
  framer: import('node:stream').Transform,
  chunks: readonly Uint8Array[],
): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  framer.on('data', (frame: Uint8Array) => frames.push(new Uint8Array(frame)));
  const finished = new Promise<void>((resolve, reject) => {
    framer.on('end', resolve);
    framer.on('error', reject);
  });
  for (const chunk of chunks) framer.write(Buffer.from(chunk));
  framer.end();
  await finished;
  return frames;
}

/**
 * Why a decoded measurement is not one the driver said it gives, or undefined when it is: the agent
 * and the configuration check trust `kinds` (a kiosk page lists a device under what it measures).
 */
export function undeclaredKind(
  driver: Pick<SimulatedDriver, 'id' | 'kinds'>,
  measurement: Measurement,
): string | undefined {
  if (driver.kinds.includes(measurement.kind)) return undefined;
  return `${driver.id} decoded a ${measurement.kind} measurement but declares kinds ${driver.kinds.join(', ')}: add ${measurement.kind} to kinds`;
}

/**
 * The checks every driver must pass, as vitest tests: its description is valid, its vectors decode
 * as stated, encode → decode gives back the measurement, random and mutated frames never throw
 * anything but `DecodeError` (and what does decode is a valid measurement), and its framer emits
 * the same frames however the input is split. Call it inside a test file:
 *
 *   describeDriverConformance(myDriver, { vectors, measurements: myArbitrary });
 */
export function describeDriverConformance(driver: SimulatedDriver, options: ConformanceOptions = {}): void {
  const examples = driver.examples ?? [];
  const measurements =
    options.measurements ?? (examples.length > 0 ? fc.constantFrom(...examples) : undefined);
  const fuzzRuns = fuzzRunsFromEnvironment() ?? options.fuzzRuns ?? 100_000;
  const timeout = options.timeoutMs ?? 60_000;

  describe(`${driver.id} conformance`, () => {
    it('describes itself completely', () => {
      expect(driverProblems(driver)).toEqual([]);
    });

    it('encodes its examples and decodes them back, each of a kind it declares', () => {
      for (const example of examples) {
        expect(DeviceMeasurement.safeParse(example).success, JSON.stringify(example)).toBe(true);
        const decoded = driver.decode(driver.encode(example));
        expect(decoded).toEqual(example);
        expect(undeclaredKind(driver, decoded)).toBeUndefined();
      }
    });

    if (options.vectors && options.vectors.length > 0) {
      it.each(options.vectors.map((v) => [v.name, v] as const))('decodes vector %s', (_name, vector) => {
        const frame = toBytes(vector.frame);
        if ('error' in vector.expect) {
          let thrown: unknown;
          try {
            driver.decode(frame);
          } catch (error) {
            thrown = error;
          }
          expect(isDecodeError(thrown), `expected a DecodeError, got ${String(thrown)}`).toBe(true);
          expect((thrown as { code: string }).code).toBe(vector.expect.error);
        } else {
          expect(driver.decode(frame)).toEqual(vector.expect);
        }
      });
    }

    if (measurements) {
      it('round-trips encode → decode', () => {
        fc.assert(
          fc.property(measurements, (measurement) => {
            const decoded = driver.decode(driver.encode(measurement));
            expect(decoded).toEqual(measurement);
            expect(undeclaredKind(driver, decoded)).toBeUndefined();
          }),
          { numRuns: options.roundTripRuns ?? 1_000 },
        );
      });
    }

    it(
      `never throws anything but DecodeError (${fuzzRuns.toLocaleString('en')} random and mutated frames)`,
      () => {
        const seeds = [
          ...examples.map((m) => driver.encode(m)),
          ...(options.vectors ?? []).map((v) => toBytes(v.frame)),
        ];
        const maxLength = options.fuzzMaxLength ?? Math.min(driver.framing.maxFrameBytes, 256);
        const fuzzOptions = {
          seeds,
          maxLength,
          ...(options.fixChecksum ? { fixChecksum: options.fixChecksum } : {}),
        };
        let decoded = 0;
        // Ten frames per fast-check run: the frames still number `fuzzRuns`, the harness cost a tenth.
        fc.assert(
          fc.property(fc.integer(), (seed) => {
            for (let k = 0; k < FUZZ_BATCH; k++) {
              const frame = fuzzFrameFromSeed((seed + Math.imul(k, 0x9e3779b9)) | 0, fuzzOptions);
              let result: Measurement;
              try {
                result = driver.decode(frame);
              } catch (error) {
                if (isDecodeError(error)) continue;
                throw new Error(`decoding ${toHex(frame)} threw ${String(error)}`);
              }
              decoded++;
              // Validating every success would cost more than the decoding; one in 16 is plenty.
              if (decoded % 16 === 1 && !DeviceMeasurement.safeParse(result).success) {
                throw new Error(
                  `decoding ${toHex(frame)} gave an invalid measurement ${JSON.stringify(result)}`,
                );
              }
            }
          }),
          { numRuns: Math.ceil(fuzzRuns / FUZZ_BATCH) },
        );
      },
      timeout,
    );

    if (driver.framing.type !== 'packet') {
      it('frames the same however the input is split into chunks', async () => {
        const frames = examples.map((m) => driver.encode(m));
        if (frames.length === 0) return;
        // Several frames back to back, as a port delivers them.
        const stream = concatBytes([...frames, ...frames, ...frames]);
        const wholeSplitter =
          driver.createSplitter || driver.framing.type === 'line' ? createSplitter(driver) : undefined;
        const whole = wholeSplitter
          ? framesOf(wholeSplitter, [stream])
          : await framesOfStream(createFramerFor(driver), [stream]);
        expect(whole.length).toBe(frames.length * 3);
        // The stream the agent runs on a port gives the same frames as the splitter tested below.
        expect(await framesOfStream(createFramerFor(driver), [stream])).toEqual(whole);
        for (let i = 0; i < frames.length; i++) {
          expect(driver.decode(whole[i]!)).toEqual(driver.decode(frames[i]!));
        }
        await fc.assert(
          fc.asyncProperty(fc.array(fc.nat({ max: stream.length }), { maxLength: 24 }), async (cuts) => {
            const chunks = splitAt(stream, cuts);
            const split = wholeSplitter
              ? framesOf(createSplitter(driver), chunks)
              : await framesOfStream(createFramerFor(driver), chunks);
            expect(split).toEqual(whole);
          }),
          { numRuns: options.chunkRuns ?? 300 },
        );
      });
    }

    if (driver.createDialogue) {
      it('starts a dialogue, and answers any frame with a step, never an exception', () => {
        const dialogue = driver.createDialogue!(options.dialogueOptions);
        const step = dialogue.start();
        expect(Array.isArray(step.write)).toBe(true);
        expect(Array.isArray(step.measurements)).toBe(true);
        expect(Array.isArray(step.errors)).toBe(true);
        expect(typeof step.done).toBe('boolean');
        const seeds = examples.map((m) => driver.encode(m));
        const maxLength = Math.min(driver.framing.maxFrameBytes, 256);
        for (let i = 0; i < DIALOGUE_FUZZ_FRAMES; i++) {
          const frame = fuzzFrameFromSeed(Math.imul(i + 1, 0x9e3779b9), { seeds, maxLength });
          const next = i % 50 === 49 ? dialogue.onTimeout() : dialogue.onFrame(frame);
          for (const error of next.errors) expect(isDecodeError(error)).toBe(true);
          for (const measurement of next.measurements)
            expect(DeviceMeasurement.safeParse(measurement).success).toBe(true);
        }
      });
    }
  });
}
