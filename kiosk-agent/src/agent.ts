import { getDriver } from '@klinik-desa/devices';
import {
  type DeviceMeasurement,
  type KioskStatus,
  topics,
  type WeightMeasurement,
} from '@klinik-desa/protocol';
import { brokerPassword, type DeviceConfig, type KioskConfig } from './config/config.js';
import { DeviceConnection } from './devices/device-connection.js';
import type { Logger } from './logger.js';
import type { Outbox } from './outbox/outbox.js';
import { SqliteOutbox } from './outbox/sqlite-outbox.js';
import { Publisher } from './publish/publisher.js';
import { toReading } from './readings/to-reading.js';
import { WeighingDetector } from './readings/weighing.js';
import { AGENT_VERSION } from './version.js';

/**
 * The daemon: devices → decoded measurements → readings → outbox → MQTT. Every reading is in the
 * outbox (on disk) before anything else happens to it.
 */
export class Agent {
  readonly outbox: Outbox;
  readonly devices: DeviceConnection[];
  private readonly publisher: Publisher;
  private readonly weighings = new Map<string, WeighingDetector>();
  private readonly startedAt = new Date().toISOString();
  private statusTimer: NodeJS.Timeout | undefined;
  private statusSoon: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: KioskConfig,
    private readonly log: Logger,
  ) {
    // Resolve every driver first: an unknown protocol is a config error before anything opens.
    const drivers = config.devices.map((d) => getDriver(d.protocol));
    this.outbox = new SqliteOutbox(config.outbox.path);
    this.devices = config.devices.map(
      (d, i) =>
        new DeviceConnection(
          d,
          drivers[i]!,
          {
            onMeasurement: (dev, m, at) => this.onMeasurement(dev, m, at),
            onDecodeError: () => this.statusChanged(),
            onStateChange: () => this.statusChanged(),
          },
          log,
        ),
    );
    const password = brokerPassword(config);
    this.publisher = new Publisher({
      url: config.mqtt.url,
      protocolVersion: config.mqtt.protocolVersion,
      clinicId: config.kiosk.clinicId,
      kioskId: config.kiosk.id,
      ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
      ...(password !== undefined ? { password } : {}),
      outbox: this.outbox,
      log,
      maxInFlight: config.mqtt.maxInFlight,
      receiptTimeoutMs: config.mqtt.receiptTimeoutSeconds * 1000,
      reconnectMinMs: config.mqtt.reconnectMinMs,
      reconnectMaxMs: config.mqtt.reconnectMaxMs,
      status: () => this.status(),
    });
  }

  start(): void {
    this.log.info(
      {
        kiosk: this.config.kiosk.id,
        clinic: this.config.kiosk.clinicId,
        devices: this.devices.length,
        outboxPending: this.outbox.stats().pending,
      },
      `kiosk agent ${AGENT_VERSION} starting`,
    );
    this.publisher.start();
    for (const d of this.devices) d.start();
    this.statusTimer = setInterval(() => this.publisher.publishStatus(), 30_000);
    this.statusTimer.unref();
  }

  /** Something the operator sees changed: publish the status soon, at most about once a second. */
  private statusChanged(): void {
    this.statusSoon ??= setTimeout(() => {
      this.statusSoon = undefined;
      this.publisher.publishStatus();
    }, 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.statusTimer);
    clearTimeout(this.statusSoon);
    await Promise.all(this.devices.map((d) => d.stop()));
    await this.publisher.stop();
    this.outbox.close();
  }

  status(): KioskStatus {
    const outbox = this.outbox.stats();
    return {
      state: 'online',
      clinicId: this.config.kiosk.clinicId,
      kioskId: this.config.kiosk.id,
      at: new Date().toISOString(),
      version: AGENT_VERSION,
      startedAt: this.startedAt,
      devices: this.devices.map((d) => ({ ...d.status, errors: { ...d.status.errors } })),
      outbox: {
        depth: outbox.pending,
        capacity: outbox.capacity,
        nearlyFull: outbox.nearlyFull,
        ...(outbox.oldestPendingAt !== undefined
          ? { oldestAt: new Date(outbox.oldestPendingAt).toISOString() }
          : {}),
      },
    };
  }

  private onMeasurement(device: DeviceConfig, measurement: DeviceMeasurement, receivedAt: Date): void {
    let m = measurement;
    if (m.kind === 'weight') {
      let detector = this.weighings.get(device.id);
      if (!detector) {
        detector = new WeighingDetector();
        this.weighings.set(device.id, detector);
      }
      const settled: WeightMeasurement | undefined = detector.accept(m);
      if (!settled) return;
      m = settled;
    }
    const reading = toReading(m, {
      clinicId: this.config.kiosk.clinicId,
      kioskId: this.config.kiosk.id,
      deviceId: device.id,
      protocol: device.protocol,
      receivedAt,
    });
    if (!reading) {
      this.log.warn(
        { device: device.id, kind: m.kind },
        'this agent version does not yet normalize this measurement kind',
      );
      return;
    }
    this.outbox.add({
      id: reading.id,
      topic: topics.readings(reading.clinicId, reading.kioskId),
      payload: JSON.stringify(reading),
    });
    const connection = this.devices.find((d) => d.config.id === device.id);
    if (connection) {
      connection.status.readings = (connection.status.readings ?? 0) + 1;
      connection.status.lastReadingAt = reading.receivedAt;
    }
    this.log.info(
      { readingId: reading.id, device: device.id, kind: reading.kind },
      'reading kept in the outbox',
    );
    this.publisher.kick();
    this.statusChanged();
  }
}
