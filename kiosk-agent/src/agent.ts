import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DecodeError, getDriver } from '@klinik-desa/devices';
import {
  DeviceMeasurement,
  type KioskEvent,
  type KioskStatus,
  newUuidV7,
  type Reading,
  topics,
} from '@klinik-desa/protocol';
import { wallClockMs, zoneSpec } from '@klinik-desa/screening';
import { brokerPassword, type DeviceConfig, type KioskConfig } from './config/config.js';
import { DeviceConnection } from './devices/device-connection.js';
import { type AgentView, startLocalApi } from './http/local-api.js';
import { gauge, type Metric } from './http/metrics.js';
import type { Logger } from './logger.js';
import type { Outbox } from './outbox/outbox.js';
import { SqliteOutbox } from './outbox/sqlite-outbox.js';
import { Publisher } from './publish/publisher.js';
import { dedupeKey } from './readings/dedupe.js';
import { MANUAL, ManualReadingError } from './readings/manual.js';
import { SpotCheckDetector } from './readings/spot-check.js';
import { toReading } from './readings/to-reading.js';
import { WeighingDetector } from './readings/weighing.js';
import { clinicClient } from './session/clinic-client.js';
import { ClinicPatients } from './session/clinic-patients.js';
import { ClinicPractitioners } from './session/clinic-practitioners.js';
import { ClinicSessions, type OpenRequest } from './session/clinic-sessions.js';
import { SessionState } from './session/session.js';
import { AGENT_VERSION } from './version.js';
import { firstIssue } from './zod-issue.js';

/** How often decode errors are summed into one `decode-errors` event per device and code. */
const DECODE_EVENT_EVERY_MS = 60_000;

/**
 * The daemon: devices → decoded measurements → readings bound to the open screening → outbox →
 * MQTT. Every reading is on disk in the outbox before anything else happens to it.
 */
export class Agent implements AgentView {
  readonly outbox: Outbox;
  readonly devices: DeviceConnection[];
  readonly session: SessionState;
  private readonly clinicSessions: ClinicSessions;
  /** Patient look-up and registration at the clinic, for the kiosk page. */
  readonly patients: ClinicPatients;
  readonly practitioners: ClinicPractitioners;
  readonly events = new EventEmitter();
  private readonly publisher: Publisher;
  private readonly weighings = new Map<string, WeighingDetector>();
  private readonly spotChecks = new Map<string, SpotCheckDetector>();
  private readonly startedAt = new Date().toISOString();
  private readonly timers: NodeJS.Timeout[] = [];
  private statusSoon: NodeJS.Timeout | undefined;
  /** Set once stop() begins: devices closing still report their state, and nothing may be scheduled then. */
  private stopping = false;
  private readonly toKeep: { reading: Reading; deviceId: string; key?: string }[] = [];
  private keepSoon: NodeJS.Immediate | undefined;
  private http: Server | undefined;
  private readonly readingsTotal = new Map<string, number>();
  /** Every reading of this kiosk goes out on one topic; working it out per reading cost a check. */
  private readonly readingsTopic: string;
  /** Decode errors since the last `decode-errors` event, by device and code. */
  private readonly unreportedErrors = new Map<string, number>();

  constructor(
    private readonly config: KioskConfig,
    private readonly log: Logger,
  ) {
    this.events.setMaxListeners(100);
    this.readingsTopic = topics.readings(config.kiosk.clinicId, config.kiosk.id);
    // Resolve every driver first: an unknown protocol is a config error before anything opens.
    const drivers = config.devices.map((d) => getDriver(d.protocol));
    this.outbox = new SqliteOutbox(config.outbox.path, {
      capacity: config.outbox.capacity,
      keepReceivedMs: config.outbox.keepReceivedDays * 24 * 3600 * 1000,
    });
    this.session = new SessionState(
      config.outbox.path === ':memory:' ? undefined : `${config.outbox.path}.session.json`,
    );
    const client = clinicClient(config);
    this.clinicSessions = new ClinicSessions(config, this.session, log, client, () => {
      const stats = this.outbox.stats();
      return stats.pending - stats.rejected === 0;
    });
    this.patients = new ClinicPatients(client, zoneSpec({ timeZone: config.kiosk.timeZone }), log);
    this.practitioners = new ClinicPractitioners(client, config.kiosk.clinicId, log);
    this.devices = config.devices.map(
      (d, i) =>
        new DeviceConnection(
          d,
          drivers[i]!,
          {
            onMeasurements: (dev, ms, at, { durable }) => {
              for (const m of ms) this.onMeasurement(dev, m, at);
              // The device is about to be told these were received: keep them on disk first.
              if (durable) this.keepReadings();
            },
            onDecodeError: (dev, error) => this.onDecodeError(dev, error),
            onStateChange: (dev, state) => this.onDeviceState(dev, state),
          },
          log,
          config.system,
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
      maxBatch: config.mqtt.maxBatch,
      receiptTimeoutMs: config.mqtt.receiptTimeoutSeconds * 1000,
      reconnectMinMs: config.mqtt.reconnectMinMs,
      reconnectMaxMs: config.mqtt.reconnectMaxMs,
      status: () => this.kioskStatus(),
      onReceived: (ids) => {
        this.events.emit('update', { type: 'received', ids });
        this.clinicSessions.receiptsArrived();
      },
      onRejected: (id, code, message) => this.events.emit('update', { type: 'rejected', id, code, message }),
      onConnection: () => this.statusChanged(),
    });
  }

  /** Starts everything; resolves once the local API listens. Returns its address. */
  async start(): Promise<AddressInfo> {
    const stats = this.outbox.stats();
    this.log.info(
      {
        kiosk: this.config.kiosk.id,
        clinic: this.config.kiosk.clinicId,
        devices: this.devices.length,
        outboxPending: stats.pending,
      },
      `kiosk agent ${AGENT_VERSION} starting`,
    );
    this.http = await startLocalApi(this, { ...this.config.http, log: this.log });
    const address = this.http.address() as AddressInfo;
    this.log.info({ port: address.port }, `local API on http://${this.config.http.host}:${address.port}`);
    this.publisher.start();
    this.clinicSessions.start();
    for (const d of this.devices) d.start();
    this.every(30_000, () => this.publisher.publishStatus());
    this.every(DECODE_EVENT_EVERY_MS, () => this.reportDecodeErrors());
    this.every(60_000, () => this.housekeeping());
    this.housekeeping();
    this.event({ type: 'started', message: `kiosk agent ${AGENT_VERSION}` });
    return address;
  }

  openSession(request: OpenRequest) {
    return this.clinicSessions.open(request);
  }

  closeSession() {
    return this.clinicSessions.close();
  }

  assignToSession(readingId: string) {
    return this.clinicSessions.assign(readingId);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.clinicSessions.stop();
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.statusSoon);
    this.reportDecodeErrors();
    this.event({ type: 'stopping' });
    await Promise.all(this.devices.map((d) => d.stop()));
    // Readings still waiting for their transaction, those read while the ports closed included,
    // are kept before the outbox closes.
    if (this.keepSoon) this.keepReadings();
    await this.publisher.stop();
    // close() waits for open connections, and a kiosk page's event stream never ends by itself.
    const closed = new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    await closed;
    this.outbox.close();
  }

  kioskStatus(): KioskStatus {
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

  /** The local API's view: the MQTT status plus what only the kiosk page needs. */
  status() {
    const stats = this.outbox.stats();
    return {
      ...this.kioskStatus(),
      broker: {
        connected: this.publisher.connected,
        maxInFlight: this.publisher.window,
        maxBatch: this.config.mqtt.maxBatch,
        ...(this.publisher.lastError ? { lastError: this.publisher.lastError } : {}),
      },
      session: this.session.current() ?? null,
      outboxDetail: stats,
      warnings: [
        ...(stats.nearlyFull
          ? [
              `the outbox holds ${stats.pending} unconfirmed readings (capacity ${stats.capacity}): the clinic has been unreachable for long`,
            ]
          : []),
        ...(stats.rejected > 0
          ? [`${stats.rejected} reading(s) were rejected by the clinic: see the readings list`]
          : []),
      ],
    };
  }

  recent(limit: number) {
    return this.outbox.recent(limit).map((e) => ({
      state: e.state,
      reading: JSON.parse(e.payload) as Reading,
      ...(e.rejectCode ? { rejected: { code: e.rejectCode, message: e.rejectMessage ?? '' } } : {}),
    }));
  }

  metrics(): Metric[] {
    const stats = this.outbox.stats();
    const mem = process.memoryUsage();
    return [
      {
        name: 'kd_readings_total',
        help: 'Readings kept in the outbox, by device.',
        type: 'counter',
        samples: this.devices.map((d) => ({
          labels: { device: d.config.id },
          value: this.readingsTotal.get(d.config.id) ?? 0,
        })),
      },
      {
        name: 'kd_device_errors_total',
        help: 'Frames that failed to decode and port errors, by device and code.',
        type: 'counter',
        samples: this.devices.flatMap((d) =>
          Object.entries(d.status.errors).map(([code, n]) => ({
            labels: { device: d.config.id, code },
            value: n,
          })),
        ),
      },
      {
        name: 'kd_device_connected',
        help: '1 when the device port is open.',
        type: 'gauge',
        samples: this.devices.map((d) => ({
          labels: { device: d.config.id },
          value: d.status.state === 'connected' ? 1 : 0,
        })),
      },
      gauge('kd_outbox_pending', 'Readings the clinic has not confirmed.', stats.pending),
      gauge('kd_outbox_rejected', 'Readings the clinic rejected.', stats.rejected),
      gauge('kd_outbox_total', 'Readings kept, confirmed ones included.', stats.total),
      gauge('kd_outbox_capacity', 'Configured outbox capacity.', stats.capacity),
      gauge('kd_mqtt_connected', '1 when connected to the broker.', this.publisher.connected ? 1 : 0),
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss),
      gauge('nodejs_heap_size_total_bytes', 'V8 heap reserved, in bytes.', mem.heapTotal),
      gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', mem.heapUsed),
      gauge(
        'nodejs_external_memory_bytes',
        'Memory of buffers and native objects held from JavaScript.',
        mem.external,
      ),
    ];
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private housekeeping(): void {
    const pruned = this.outbox.prune();
    if (pruned > 0) {
      this.log.info({ pruned }, 'pruned confirmed readings from the outbox');
      this.event({ type: 'outbox-pruned', count: pruned });
    }
    const stats = this.outbox.stats();
    if (stats.nearlyFull) {
      this.log.warn(
        { pending: stats.pending, capacity: stats.capacity },
        'the outbox is nearly full: the clinic has been unreachable for long',
      );
      this.event({ type: 'outbox-nearly-full', count: stats.pending });
    }
  }

  private event(e: Omit<KioskEvent, 'id' | 'clinicId' | 'kioskId' | 'at'>): void {
    this.publisher.publishEvent({
      id: newUuidV7(),
      clinicId: this.config.kiosk.clinicId,
      kioskId: this.config.kiosk.id,
      at: new Date().toISOString(),
      ...e,
    });
  }

  /** Something the operator sees changed: publish the status soon, at most about once a second. */
  private statusChanged(): void {
    if (this.stopping) return;
    this.statusSoon ??= setTimeout(() => {
      this.statusSoon = undefined;
      this.publisher.publishStatus();
      this.events.emit('update', { type: 'status', status: this.status() });
    }, 1000);
  }

  private onDeviceState(device: DeviceConfig, state: string): void {
    if (state === 'connected') this.event({ type: 'device-attached', deviceId: device.id });
    if (state === 'disconnected') this.event({ type: 'device-lost', deviceId: device.id });
    this.statusChanged();
  }

  private onDecodeError(device: DeviceConfig, error: DecodeError): void {
    const key = `${device.id}\u0000${error.code}`;
    this.unreportedErrors.set(key, (this.unreportedErrors.get(key) ?? 0) + 1);
    this.statusChanged();
  }

  private reportDecodeErrors(): void {
    for (const [key, count] of this.unreportedErrors) {
      const [deviceId, code] = key.split('\u0000') as [string, string];
      this.event({ type: 'decode-errors', deviceId, code, count });
    }
    this.unreportedErrors.clear();
  }

  /**
   * The weight of this scale's last reading when it is only seconds old: an agent restarted while
   * someone stands on the scale must not weigh them twice.
   */
  private lastWeighingKg(deviceId: string, now: Date): number | undefined {
    for (const entry of this.outbox.recent(50)) {
      if (now.getTime() - entry.createdAt > 30_000) return undefined;
      const reading = JSON.parse(entry.payload) as Reading;
      if (reading.device.id !== deviceId || reading.kind !== 'weight') continue;
      return reading.values.find((v) => v.name === 'weight')?.value ?? undefined;
    }
    return undefined;
  }

  private onMeasurement(device: DeviceConfig, measurement: DeviceMeasurement, receivedAt: Date): void {
    let m = measurement;
    if (m.kind === 'weight' && getDriver(device.protocol).mode === 'stream') {
      let detector = this.weighings.get(device.id);
      if (!detector) {
        detector = new WeighingDetector(undefined, this.lastWeighingKg(device.id, receivedAt));
        this.weighings.set(device.id, detector);
      }
      const settled = detector.accept(m);
      if (!settled) return;
      m = settled;
    } else if (m.kind === 'pulse-oximetry' && getDriver(device.protocol).mode === 'stream') {
      let detector = this.spotChecks.get(device.id);
      if (!detector) {
        detector = new SpotCheckDetector();
        this.spotChecks.set(device.id, detector);
      }
      const settled = detector.accept(m);
      if (!settled) return;
      m = settled;
    }
    const result = this.bind(m, device.id, device.protocol, receivedAt);
    if (!result.ok) {
      // An impossible value or a control-solution test: not a patient reading. Counted, shown on
      // the kiosk page so the worker measures again, never sent as a clinical fact.
      const connection = this.devices.find((d) => d.config.id === device.id);
      if (connection)
        connection.status.errors[result.error.code] = (connection.status.errors[result.error.code] ?? 0) + 1;
      this.log.warn(
        { device: device.id, code: result.error.code },
        `measurement not taken: ${result.error.message}`,
      );
      this.events.emit('update', {
        type: 'measurement-rejected',
        deviceId: device.id,
        code: result.error.code,
        message: result.error.message,
      });
      this.statusChanged();
      return;
    }
    const reading = result.reading;
    const key = dedupeKey(device.id, m);
    this.toKeep.push({ reading, deviceId: device.id, ...(key !== undefined ? { key } : {}) });
    // Frames that arrive together (a burst, a meter's memory dump) are kept in one transaction:
    // one disk flush for all of them, before any of them is shown or sent.
    this.keepSoon ??= setImmediate(() => this.keepReadings());
  }

  /**
   * A value the health worker typed on the kiosk page: a height from a stadiometer or a waist from
   * a tape, which no cable brings. Checked, flagged and bound to the open screening as a device's
   * reading is, and on disk in the outbox before this returns, since the page then says it is kept.
   */
  addManual(input: unknown): Reading {
    const parsed = DeviceMeasurement.safeParse(input);
    if (!parsed.success) throw new ManualReadingError(400, 'BAD_MEASUREMENT', firstIssue(parsed.error));
    const result = this.bind(parsed.data, MANUAL.id, MANUAL.protocol, new Date(), true);
    if (!result.ok) throw new ManualReadingError(422, result.error.code, result.error.message);
    this.toKeep.push({ reading: result.reading, deviceId: MANUAL.id });
    this.keepReadings();
    return result.reading;
  }

  /** The measurement as a reading of this kiosk, bound to the open screening when it belongs to it. */
  private bind(m: DeviceMeasurement, deviceId: string, protocol: string, receivedAt: Date, manual = false) {
    // A record from a meter's memory belongs to whoever was measured then, not to the patient at the
    // kiosk now: only a measurement taken in the last minutes is bound to the open session.
    const recent =
      m.deviceTime === undefined ||
      Math.abs(
        Date.parse(`${m.deviceTime}Z`) - wallClockMs(receivedAt, { timeZone: this.config.kiosk.timeZone }),
      ) <
        15 * 60_000;
    const session = recent ? this.session.current() : undefined;
    return toReading(m, {
      clinicId: this.config.kiosk.clinicId,
      kioskId: this.config.kiosk.id,
      deviceId,
      protocol,
      receivedAt,
      manual,
      timeZone: this.config.kiosk.timeZone,
      rules: { bmiTable: this.config.screening.bmiTable },
      ...(session
        ? {
            sessionId: session.sessionId,
            patientId: session.patientId,
            patient: {
              ...(session.sex ? { sex: session.sex } : {}),
              ...(session.ageYears !== undefined ? { ageYears: session.ageYears } : {}),
            },
            ...(session.glucoseContext ? { glucoseContext: session.glucoseContext } : {}),
          }
        : {}),
    });
  }

  private keepReadings(): void {
    if (this.keepSoon) clearImmediate(this.keepSoon);
    this.keepSoon = undefined;
    const batch = this.toKeep.splice(0);
    const added = this.outbox.addMany(
      batch.map(({ reading, key }) => ({
        id: reading.id,
        topic: this.readingsTopic,
        payload: JSON.stringify(reading),
        ...(key !== undefined ? { dedupeKey: key } : {}),
      })),
    );
    batch.forEach(({ reading, deviceId, key }, i) => {
      if (!added[i]) {
        this.log.debug({ device: deviceId, key }, 'a record the device sent before: not kept twice');
        return;
      }
      this.readingsTotal.set(deviceId, (this.readingsTotal.get(deviceId) ?? 0) + 1);
      const connection = this.devices.find((d) => d.config.id === deviceId);
      if (connection) {
        connection.status.readings = (connection.status.readings ?? 0) + 1;
        connection.status.lastReadingAt = reading.receivedAt;
      }
      // Ids, kind and device only: a patient identifier never goes into a log line.
      this.log.info(
        {
          readingId: reading.id,
          device: deviceId,
          kind: reading.kind,
          bound: reading.sessionId !== undefined,
        },
        'reading kept in the outbox',
      );
      this.events.emit('update', { type: 'reading', state: 'queued', reading });
    });
    this.publisher.kick();
    this.statusChanged();
  }
}
