import type { Duplex } from 'node:stream';
import { type DecodeError, type DeviceDriver, decode, type SerialSettings } from '@klinik-desa/devices';
import type { DeviceMeasurement, DeviceStatus } from '@klinik-desa/protocol';
import { ReadlineParser } from '@serialport/parser-readline';
import { Backoff, sleep } from '../backoff.js';
import type { DeviceConfig } from '../config/config.js';
import type { Logger } from '../logger.js';
import { LineGuard } from './line-guard.js';
import { openPort } from './port.js';

export interface DeviceEvents {
  onMeasurement(device: DeviceConfig, measurement: DeviceMeasurement, receivedAt: Date): void;
  onDecodeError?(device: DeviceConfig, error: DecodeError): void;
  onStateChange?(device: DeviceConfig, state: DeviceStatus['state']): void;
}

/**
 * One device on one port: opens it, frames and decodes what arrives, and when the port goes away
 * (cable pulled, adapter reset) closes it fully and tries again with capped, jittered backoff.
 */
export class DeviceConnection {
  readonly status: DeviceStatus;
  private port: Duplex | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    readonly config: DeviceConfig,
    private readonly driver: DeviceDriver,
    private readonly events: DeviceEvents,
    private readonly log: Logger,
  ) {
    this.status = {
      id: config.id,
      protocol: config.protocol,
      state: 'disconnected',
      port: config.port,
      readings: 0,
      errors: {},
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.port?.destroy();
    await this.loop;
  }

  private settings(): SerialSettings {
    const d = this.driver.serial ?? { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };
    return {
      baudRate: this.config.baudRate ?? d.baudRate,
      dataBits: this.config.dataBits ?? d.dataBits,
      parity: this.config.parity ?? d.parity,
      stopBits: this.config.stopBits ?? d.stopBits,
    };
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(250, 30_000);
    const signal = this.abort.signal;
    while (!signal.aborted) {
      this.setState('connecting');
      try {
        this.port = await openPort(this.config.port, this.settings());
      } catch (error) {
        this.setState('disconnected');
        const wait = backoff.next();
        this.log.warn(
          { device: this.config.id, port: this.config.port, err: (error as Error).message, retryInMs: wait },
          'cannot open the device port',
        );
        await sleep(wait, signal);
        continue;
      }
      backoff.reset();
      this.setState('connected');
      this.log.info(
        { device: this.config.id, port: this.config.port },
        `device ${this.config.id} connected on ${this.config.port}`,
      );
      await this.read(this.port);
      this.setState('disconnected');
      if (!signal.aborted) {
        this.log.warn(
          { device: this.config.id, port: this.config.port },
          `device ${this.config.id} lost; trying to reopen`,
        );
        await sleep(backoff.next(), signal);
      }
    }
  }

  /** Resolves when the port has closed (and only then may it be opened again). */
  private read(port: Duplex): Promise<void> {
    return new Promise((resolve) => {
      const framing = this.driver.framing;
      if (framing.type !== 'line') {
        this.log.error(
          { device: this.config.id, protocol: this.config.protocol },
          'this agent version reads line protocols only',
        );
        port.destroy();
      } else {
        const delimiter = framing.delimiter;
        const guard = new LineGuard(Buffer.from(delimiter.slice(-1), 'latin1'), framing.maxFrameBytes);
        const lines = port
          .pipe(guard)
          .pipe(new ReadlineParser({ delimiter: delimiter.slice(-1), encoding: 'latin1' }));
        lines.on('data', (line: string) => this.onFrame(line.endsWith('\r') ? line.slice(0, -1) : line));
      }
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
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

  private onFrame(frame: string): void {
    if (frame.length === 0) return;
    const result = decode(this.config.protocol, frame);
    if (!result.ok) {
      this.count(result.error.code);
      this.log.warn(
        { device: this.config.id, code: result.error.code },
        `garbled frame: ${result.error.message}`,
      );
      this.events.onDecodeError?.(this.config, result.error);
      return;
    }
    this.events.onMeasurement(this.config, result.measurement, new Date());
  }

  private setState(state: DeviceStatus['state']): void {
    if (this.status.state === state) return;
    this.status.state = state;
    this.events.onStateChange?.(this.config, state);
  }

  private count(code: string): void {
    this.status.errors[code] = (this.status.errors[code] ?? 0) + 1;
  }
}
