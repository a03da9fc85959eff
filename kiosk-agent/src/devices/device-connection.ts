import { existsSync } from 'node:fs';
import type { Duplex, Transform } from 'node:stream';
import {
  createFramerFor,
  DecodeError,
  type DeviceDriver,
  type Dialogue,
  type DialogueStep,
  isDecodeError,
  type LiveValue,
  type SerialSettings,
  toBytes,
} from '@klinik-desa/devices';
import type { DeviceMeasurement, DeviceStatus } from '@klinik-desa/protocol';
import { Backoff, sleep } from '../backoff.js';
import type { DeviceConfig } from '../config/config.js';
import type { DriverBudget } from '../drivers/driver-budget.js';
import { FailureWindow } from '../drivers/failure-window.js';
import type { DriverFailure, FrameDecoder } from '../drivers/frame-decoder.js';
import { AgentError, isAgentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { noteBehindGateway } from './behind-gateway.js';
import { type OpenPort, openPort } from './port.js';
import { findUsbPort, type SystemPaths } from './ports.js';
import { VendorValueRouter } from './vendor-values.js';

export interface DeviceEvents {
  /**
   * Measurements decoded from the device. With `durable`, they must be on disk when this returns
   * (the device is about to be told they were received); a retryable `AgentError` thrown then
   * (the disk is full) means they were not kept, and the device is not told they were.
   */
  onMeasurements(
    device: DeviceConfig,
    measurements: DeviceMeasurement[],
    receivedAt: Date,
    options: { durable: boolean },
  ): void;
  onDecodeError?(device: DeviceConfig, error: DecodeError): void;
  /** Values on their way to a measurement (a cuff inflating): to show, never to keep. */
  onLive?(device: DeviceConfig, values: LiveValue[]): void;
  onStateChange?(device: DeviceConfig, state: DeviceStatus['state']): void;
  /** A vendor driver misbehaved on a frame (counted in the status too); `failed` once the device is marked failed. */
  onDriverFailure?(device: DeviceConfig, failure: DriverFailure, failed: boolean): void;
  /** Something in `status` other than the state changed (a device behind a gateway had its clock set). */
  onStatusDetail?(device: DeviceConfig): void;
  /** A measurement of a vendor device behind the gateway, decoded by driver `driverId` (its protocol). */
  onVendorMeasurement?(
    device: DeviceConfig,
    driverId: string,
    measurement: DeviceMeasurement,
    receivedAt: Date,
  ): void;
}

/** A vendor driver's decode, contained: frames go to `decoder`, failures are held to the budget. */
export interface ContainedDecoding {
  decoder: FrameDecoder;
  budget: DriverBudget;
}

/** The drivers of vendor-Bluetooth devices behind a gateway, by protocol id, each contained. */
export interface VendorDecoding {
  decoders: ReadonlyMap<string, FrameDecoder>;
  budget: DriverBudget;
  /** Devices behind the gateway whose driver cannot run (left out of its list): one line each, logged at start. */
  problems: readonly string[];
}

/** The device is not plugged in (yet): the connection tries again until it is. */
export class PortNotFoundError extends AgentError {
  override readonly name = 'PortNotFoundError';
  override readonly code = 'PORT_NOT_FOUND';
  override readonly retryable = true;
}

/**
 * One device on one port: opens it, frames and decodes what arrives, and when the port goes away
 * (cable pulled, adapter reset) waits for it to close fully and tries again with capped, jittered
 * backoff, finding the device again by its USB ids when its path has changed. One owner per port.
 */
export class DeviceConnection {
  readonly status: DeviceStatus;
  private port: Duplex | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  /** Decoded frames settle in this order (a contained driver answers asynchronously). */
  private decoding: Promise<void> = Promise.resolve();
  private readonly failures: FailureWindow | undefined;
  private failed = false;
  /** The latest `remember` of this device's dialogues, handed to the next one (DialogueStep.remember). */
  private remembered: unknown;
  private readonly vendor: VendorValueRouter | undefined;

  constructor(
    readonly config: DeviceConfig,
    private readonly driver: DeviceDriver,
    private readonly events: DeviceEvents,
    private readonly log: Logger,
    private readonly ports: {
      /** Where the system lists serial ports, for finding the device by its USB ids. */
      system?: SystemPaths;
      /** Opens the device's port (`openPort` by default): tests hand in a fake device's. */
      openPort?: OpenPort;
      /**
       * After records could not be kept, how long the device is left alone before the agent asks
       * again (a new dialogue): longer than a meter's own reply timer (15 s for ASTM), so it has
       * given the transfer up and starts afresh.
       */
      askAgainAfterMs?: number;
      /**
       * Options the agent adds to the configured ones for each new dialogue: what a pure dialogue
       * cannot know itself (the kiosk's trusted time, its zone, what an earlier dialogue learnt).
       */
      dialogueOptions?: Record<string, unknown>;
    } = {},
    /** Set for a vendor's driver: its decode runs contained. Built-in drivers decode in this thread. */
    private readonly contained?: ContainedDecoding,
    /** Set for a gateway with vendor-Bluetooth devices behind it: their values go to their drivers. */
    vendor?: VendorDecoding,
  ) {
    for (const problem of vendor?.problems ?? []) log.error({ device: config.id }, problem);
    if (vendor && vendor.decoders.size > 0) this.vendor = this.vendorRouter(vendor);
    if (contained)
      this.failures = new FailureWindow(contained.budget.maxFailures, contained.budget.failureWindowMs);
    this.status = {
      id: config.id,
      protocol: config.protocol,
      state: 'disconnected',
      readings: 0,
      errors: {},
    };
    if (config.port) this.status.port = config.port;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.port?.destroy();
    await this.loop;
    if (this.contained) {
      // Frames read before the port closed are still decoded, for as long as a decode may take;
      // then closing the decoder ends one still running: a stuck driver cannot hold the stop up.
      const grace = new Promise((resolve) => setTimeout(resolve, this.contained?.budget.decodeMs).unref());
      await Promise.race([this.decoding, grace]);
      await this.contained.decoder.close();
    }
    await this.vendor?.close();
    await this.decoding;
  }

  private vendorRouter({ decoders, budget }: VendorDecoding): VendorValueRouter {
    return new VendorValueRouter(
      decoders,
      budget,
      {
        onMeasurement: (driverId, measurement, receivedAt) =>
          this.events.onVendorMeasurement?.(this.config, driverId, measurement, receivedAt),
        onDecodeError: (error) => this.onError(error),
        onDriverFailure: (failure, deviceOff) => {
          this.count(failure.code);
          this.events.onDriverFailure?.(this.config, failure, deviceOff);
        },
      },
      this.log,
      this.config.id,
    );
  }

  private settings(): SerialSettings {
    const d = this.driver.serial ?? { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };
    return {
      baudRate: this.config.baudRate ?? d.baudRate,
      dataBits: this.config.dataBits ?? d.dataBits,
      parity: this.config.parity ?? d.parity,
      stopBits: this.config.stopBits ?? d.stopBits,
      ...(d.dtr !== undefined ? { dtr: d.dtr } : {}),
    };
  }

  /** Where the device is now: its USB ids win over a fixed path, since paths move on replug. */
  private resolvePath(): string {
    const { usb, port } = this.config;
    if (usb) {
      const found = findUsbPort(usb, this.ports.system ?? {});
      if (found) return found.path;
      const serial = usb.serialNumber ? ` serial ${usb.serialNumber}` : '';
      throw new PortNotFoundError(
        `no serial port with USB ids ${usb.vendorId}:${usb.productId}${serial} (is it plugged in?)`,
      );
    }
    return port as string;
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(250, 30_000);
    const signal = this.abort.signal;
    while (!signal.aborted) {
      this.setState('connecting');
      let path: string | undefined;
      try {
        path = this.resolvePath();
        this.port = await (this.ports.openPort ?? openPort)(path, this.settings());
      } catch (error) {
        this.setState('disconnected');
        const wait = backoff.next();
        this.log.warn(
          { device: this.config.id, port: path, err: (error as Error).message, retryInMs: wait },
          'cannot open the device port',
        );
        await sleep(wait, signal);
        continue;
      }
      backoff.reset();
      this.status.port = path;
      this.setState('connected');
      this.log.info({ device: this.config.id, port: path }, `device ${this.config.id} connected on ${path}`);
      await this.read(this.port, path);
      this.port = undefined;
      this.setState('disconnected');
      if (!signal.aborted) {
        this.log.warn(
          { device: this.config.id, port: path },
          `device ${this.config.id} lost; trying to reopen`,
        );
        await sleep(backoff.next(), signal);
      }
    }
  }

  /** Resolves when the port has closed (and only then may it be opened again). */
  private read(port: Duplex, path: string): Promise<void> {
    return new Promise((resolve) => {
      const stopReading = this.startReading(port);
      // The watchdog: a USB adapter pulled out does not always make the port report an error, and
      // a streaming device that goes quiet has usually lost power or its cable.
      // On the monotonic clock: a step of the kiosk's clock is no silence.
      let lastData = performance.now();
      port.on('data', () => {
        lastData = performance.now();
      });
      const silenceMs = (this.config.silenceTimeoutSeconds ?? 0) * 1000;
      const watchdog = setInterval(() => {
        const gone = !path.startsWith('tcp://') && !existsSync(path);
        const silent = silenceMs > 0 && performance.now() - lastData > silenceMs;
        if (gone || silent) {
          this.count(gone ? 'PORT_GONE' : 'PORT_SILENT');
          this.log.warn(
            { device: this.config.id, port: path },
            gone ? 'the port has disappeared' : 'the device has been silent too long; reopening',
          );
          port.destroy();
        }
      }, 1000);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearInterval(watchdog);
        stopReading();
        resolve();
      };
      port.once('close', finish);
      port.once('end', () => port.destroy());
      port.on('error', (error) => {
        this.count('PORT_ERROR');
        this.log.warn({ device: this.config.id, err: error.message }, 'port error');
        port.destroy();
      });
    });
  }

  /** Wires framing and decoding (or the dialogue) to the port; returns what stops it. */
  private startReading(port: Duplex): () => void {
    const { driver } = this;
    const onDiscard = (error: DecodeError) => this.onError(error);
    if (driver.mode === 'dialogue' && driver.createDialogue) {
      const framer = createFramerFor(driver, { onDiscard });
      port.pipe(framer);
      const create = driver.createDialogue.bind(driver);
      // What an earlier dialogue asked to remember outlives the port: a gateway unplugged and
      // plugged in again is not asked for the records it already handed over.
      const options = { ...this.config.dialogue, ...this.ports.dialogueOptions };
      return this.runDialogue(port, framer, () => create(options, this.remembered));
    }
    // Line protocols get serialport's readline parser with its cap (the devices package's LineFramer):
    // the framer the conformance suite tests, an overlong line dropped and counted, never decoded in halves.
    if (driver.framing.type === 'line' || driver.framing.type === 'custom') {
      const framer = createFramerFor(driver, { onDiscard });
      port.pipe(framer).on('data', (frame: Uint8Array) => this.onFrame(frame));
      return () => undefined;
    }
    this.log.error(
      { device: this.config.id, protocol: this.config.protocol },
      `${this.config.protocol} arrives through the BLE gateway: configure the gateway (protocol ble-gateway) on this port`,
    );
    port.destroy();
    return () => undefined;
  }

  /**
   * Runs a command/response protocol (ASTM meters, OneTouch, the BLE gateway): writes what the
   * dialogue asks, feeds it every frame, keeps its timer. Measurements are on disk before the
   * answer (an ACK) goes back to the device: an acknowledged record is never lost. Records that
   * cannot be kept (the disk is full) get no answer: the device keeps them, this dialogue is
   * dropped, and a new one asks again later.
   */
  private runDialogue(port: Duplex, framer: Transform, createDialogue: () => Dialogue): () => void {
    let dialogue = createDialogue();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    /** Set while the device is left alone after a refusal: its frames go to no dialogue. */
    let waiting = false;
    let chain = Promise.resolve();
    const askAgainLater = (error: AgentError) => {
      waiting = true;
      this.count('NOT_KEPT');
      const wait = this.ports.askAgainAfterMs ?? 20_000;
      this.log.error(
        { device: this.config.id, code: error.code, askAgainInMs: wait },
        `records from ${this.config.id} could not be kept (${error.message}): not acknowledged, the device keeps them and is asked again`,
      );
      timer = setTimeout(() => {
        if (stopped) return;
        waiting = false;
        dialogue = createDialogue();
        act(dialogue.start());
      }, wait);
    };
    const act = (step: DialogueStep) => {
      clearTimeout(timer);
      if (step.measurements.length > 0) {
        try {
          this.events.onMeasurements(this.config, step.measurements, new Date(), { durable: true });
        } catch (error) {
          if (!isAgentError(error) || !error.retryable) throw error;
          return askAgainLater(error);
        }
      }
      // Only now that its records are kept: a refused step's records are asked for again.
      if (step.remember !== undefined) this.remembered = step.remember;
      if (step.live?.length) this.events.onLive?.(this.config, step.live);
      if (step.vendorValues?.length) this.vendor?.accept(step.vendorValues);
      for (const error of step.errors) this.onError(error);
      let detail = false;
      for (const event of step.events) {
        this.log.info(
          { device: this.config.id, event: event.type, ...event.detail },
          `device event ${event.type}`,
        );
        detail = noteBehindGateway(this.status, event) || detail;
      }
      if (detail) this.events.onStatusDetail?.(this.config);
      chain = chain.then(async () => {
        for (const bytes of step.write) {
          if (stopped) return;
          // Backpressure: wait for the port to take the bytes before writing more.
          if (!port.write(bytes)) await new Promise((r) => port.once('drain', r));
        }
      });
      if (step.done) {
        this.log.info({ device: this.config.id }, 'the device finished its transfer');
        // A new dialogue for the next round: a finished one may stay finished (Contour's does).
        void chain.then(() =>
          setTimeout(() => {
            if (stopped || waiting) return;
            dialogue = createDialogue();
            act(dialogue.start());
          }, 1000),
        );
        return;
      }
      if (step.timeoutMs !== undefined && !stopped)
        timer = setTimeout(() => act(dialogue.onTimeout()), step.timeoutMs);
    };
    framer.on('data', (frame: Uint8Array) => {
      if (!stopped && !waiting) act(dialogue.onFrame(frame));
    });
    act(dialogue.start());
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  private onError(error: DecodeError): void {
    this.count(error.code);
    this.log.warn({ device: this.config.id, code: error.code }, `garbled frame: ${error.message}`);
    this.events.onDecodeError?.(this.config, error);
  }

  private onFrame(frame: string | Uint8Array): void {
    if (frame.length === 0 || this.failed) return;
    if (this.contained) {
      const receivedAt = new Date();
      const outcome = this.contained.decoder.decode(toBytes(frame));
      this.decoding = this.decoding.then(async () => this.onOutcome(await outcome, receivedAt));
      return;
    }
    let measurement: DeviceMeasurement;
    try {
      measurement = this.driver.decode(toBytes(frame));
    } catch (error) {
      // A decoder bug must still not crash the agent: it is counted as a format error.
      this.onError(
        isDecodeError(error)
          ? error
          : new DecodeError(
              'BAD_FORMAT',
              this.driver.id,
              `decoder failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
      );
      return;
    }
    this.events.onMeasurements(this.config, [measurement], new Date(), { durable: false });
  }

  /** What a contained driver made of a frame; a driver failing too often takes its device off. */
  private onOutcome(outcome: Awaited<ReturnType<FrameDecoder['decode']>>, receivedAt: Date): void {
    if (this.failed) return;
    if (outcome.ok) {
      this.events.onMeasurements(this.config, [outcome.measurement], receivedAt, { durable: false });
      return;
    }
    if ('error' in outcome) {
      this.onError(outcome.error);
      return;
    }
    // A decode ended by the stop itself is no failure of the driver.
    if (this.abort.signal.aborted) return;
    const { failure } = outcome;
    this.count(failure.code);
    const tripped = this.failures?.note() ?? false;
    this.log.error(
      { device: this.config.id, driver: failure.driverId, code: failure.code },
      `driver ${failure.driverId} failed on a frame of ${this.config.id} (${failure.code}): ${failure.message}`,
    );
    if (tripped) {
      const budget = this.contained?.budget;
      this.log.error(
        { device: this.config.id, driver: failure.driverId },
        `device ${this.config.id} is off: its driver ${failure.driverId} failed ${budget?.maxFailures} times within ${(budget?.failureWindowMs ?? 0) / 1000} s; the other devices go on. Fix: update or remove the driver, then restart the agent`,
      );
      this.setState('failed');
      this.failed = true;
      this.abort.abort();
      this.port?.destroy();
      void this.contained?.decoder.close();
    }
    this.events.onDriverFailure?.(this.config, failure, tripped);
  }

  private setState(state: DeviceStatus['state']): void {
    if (this.status.state === state || this.failed) return;
    this.status.state = state;
    this.events.onStateChange?.(this.config, state);
  }

  private count(code: string): void {
    this.status.errors[code] = (this.status.errors[code] ?? 0) + 1;
  }
}
