import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DeviceDriver, getDriver } from '@klinik-desa/devices';
import { type KioskEvent, type KioskStatus, newUuidV7, type Reading } from '@klinik-desa/protocol';
import { zoneSpec } from '@klinik-desa/screening';
import { brokerPassword, type DeviceConfig, type KioskConfig } from './config/config.js';
import { DeviceConnection } from './devices/device-connection.js';
import { type DiskGuard, DiskPressure, diskGuardFor, openBesideReserve } from './disk/index.js';
import type { AgentEvents, AgentView } from './http/agent-view.js';
import { startLocalApi } from './http/local-api.js';
import type { Logger } from './logger.js';
import type { Outbox } from './outbox/outbox.js';
import { type AgentParts, REAL_PARTS } from './parts.js';
import { Publisher } from './publish/publisher.js';
import {
  type KeptReading,
  ReadingPipeline,
  type RecentReading,
  type RefusedMeasurement,
  recentReadings,
} from './readings/index.js';
import {
  ClinicPatients,
  ClinicPractitioners,
  ClinicScreenings,
  type DamagedFile,
  type OpenScreeningRequest,
  ScreeningState,
} from './screening/index.js';
import { DecodeErrorTally, type LocalStatus, type Metric, StatusBoard } from './status/index.js';
import { AGENT_VERSION } from './version.js';

/** How often decode errors are summed into one `decode-errors` event per device and code. */
const DECODE_EVENT_EVERY_MS = 60_000;

/**
 * The daemon, where its parts are wired: devices → the reading pipeline (readings bound to the
 * open screening, kept in the outbox) → the publisher (MQTT), with the status board, the clinic
 * screenings and the local API beside them. Every reading is on disk in the outbox before anything
 * else happens to it. Ports, broker, outbox and clinic client come from `parts` (the real ones by
 * default).
 */
export class Agent implements AgentView {
  readonly outbox: Outbox;
  readonly devices: DeviceConnection[];
  readonly screening: ScreeningState;
  /** Patient look-up and registration at the clinic, for the kiosk page. */
  readonly patients: ClinicPatients;
  readonly practitioners: ClinicPractitioners;
  readonly events = new EventEmitter<AgentEvents>();
  private readonly readings: ReadingPipeline;
  private readonly board: StatusBoard;
  private readonly clinicScreenings: ClinicScreenings;
  private readonly publisher: Publisher;
  private readonly decodeErrors = new DecodeErrorTally();
  private readonly timers: NodeJS.Timeout[] = [];
  private statusSoon: NodeJS.Timeout | undefined;
  /** Set once stop() begins: devices closing still report their state, and nothing may be scheduled then. */
  private stopping = false;
  private http: Server | undefined;
  /** Undefined for an outbox in memory (tests): it has no disk. */
  private readonly disk: DiskPressure | undefined;

  constructor(
    private readonly config: KioskConfig,
    private readonly log: Logger,
    parts: Partial<AgentParts> = {},
  ) {
    const { openPort, connectMqtt, openOutbox, clinicClient } = { ...REAL_PARTS, ...parts };
    this.events.setMaxListeners(100);
    // Resolve every driver first: an unknown protocol is a config error before anything opens.
    const drivers = config.devices.map((d) => getDriver(d.protocol));
    const setAside = (what: string, then: string) => (damaged: DamagedFile) =>
      log.error(
        damaged,
        `${what} ${damaged.path} could not be read (${damaged.reason}): kept as ${damaged.keptAs} for inspection; ${then}`,
      );
    const guard: DiskGuard | undefined = diskGuardFor(config.outbox);
    // Until the disk's watch exists (below), a write that finds the disk full only frees the reserve.
    const noSpace = (error: unknown) => (this.disk ?? guard)?.noSpace(error);
    this.outbox = openBesideReserve(guard, () =>
      openOutbox(config.outbox, setAside('the outbox', 'starting with an empty one'), noSpace),
    );
    this.screening = new ScreeningState(
      config.outbox.path === ':memory:' ? undefined : `${config.outbox.path}.session.json`,
      setAside("the open screening's state file", 'starting with no screening open'),
      undefined,
      noSpace,
    );
    const client = clinicClient(config);
    this.clinicScreenings = new ClinicScreenings(
      config,
      this.screening,
      log,
      client,
      this.outbox,
      undefined,
      () => this.requestSettled(),
    );
    this.patients = new ClinicPatients(client, zoneSpec({ timeZone: config.kiosk.timeZone }), log);
    this.practitioners = new ClinicPractitioners(client, config.kiosk.clinicId, log);
    this.readings = new ReadingPipeline({
      kiosk: {
        clinicId: config.kiosk.clinicId,
        kioskId: config.kiosk.id,
        timeZone: config.kiosk.timeZone,
        rules: { bmiTable: config.screening.bmiTable },
      },
      outbox: this.outbox,
      screening: this.screening,
      ...(guard ? { disk: guard } : {}),
      holdMax: config.outbox.disk.holdReadings,
    });
    this.readings.on('held', (held) => this.disk?.held(held));
    this.readings.on('kept', (kept) => this.onKept(kept));
    this.readings.on('refused', (refused) => this.onRefused(refused));
    this.readings.on('duplicate', ({ deviceId, dedupeKey }) =>
      log.debug({ device: deviceId, key: dedupeKey }, 'a record the device sent before: not kept twice'),
    );
    this.devices = config.devices.map((d, i) => this.connection(d, drivers[i] as DeviceDriver, openPort));
    this.publisher = this.makePublisher(connectMqtt);
    this.disk = guard
      ? new DiskPressure({
          guard,
          readings: this.readings,
          log,
          event: (e) => this.event(e),
          changed: () => this.statusChanged(),
          checkEveryMs: config.outbox.disk.checkSeconds * 1000,
        })
      : undefined;
    this.board = new StatusBoard({
      kiosk: { clinicId: config.kiosk.clinicId, kioskId: config.kiosk.id, maxBatch: config.mqtt.maxBatch },
      devices: this.devices,
      outbox: this.outbox,
      broker: this.publisher,
      screening: this.screening,
      ...(this.disk ? { disk: this.disk } : {}),
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
    this.clinicScreenings.start();
    for (const d of this.devices) d.start();
    this.disk?.start();
    this.every(30_000, () => this.publisher.publishStatus());
    this.every(DECODE_EVENT_EVERY_MS, () => this.reportDecodeErrors());
    this.every(60_000, () => this.housekeeping());
    this.housekeeping();
    this.event({ type: 'started', message: `kiosk agent ${AGENT_VERSION}` });
    return address;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.clinicScreenings.stop();
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.statusSoon);
    this.reportDecodeErrors();
    this.event({ type: 'stopping' });
    await Promise.all(this.devices.map((d) => d.stop()));
    // Readings still waiting for their transaction, those read while the ports closed included,
    // are kept before the outbox closes.
    this.readings.flush();
    this.disk?.stop();
    await this.publisher.stop();
    // close() waits for open connections, and a kiosk page's event stream never ends by itself.
    const closed = new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    await closed;
    this.outbox.close();
  }

  openScreening(request: OpenScreeningRequest) {
    return this.clinicScreenings.open(request);
  }

  closeScreening() {
    return this.clinicScreenings.close();
  }

  assignToScreening(readingId: string) {
    return this.clinicScreenings.assign(readingId);
  }

  addManual(input: unknown): Reading {
    return this.readings.addManual(input);
  }

  kioskStatus(): KioskStatus {
    return this.board.kioskStatus();
  }

  status(): LocalStatus {
    return this.board.localStatus();
  }

  metrics(): Metric[] {
    return this.board.metrics();
  }

  recent(limit: number): RecentReading[] {
    return recentReadings(this.outbox, limit);
  }

  /** One device on its port, its measurements going into the pipeline through its own entrance. */
  private connection(device: DeviceConfig, driver: DeviceDriver, openPort: AgentParts['openPort']) {
    const readings = this.readings.forDevice({ id: device.id, protocol: device.protocol, mode: driver.mode });
    return new DeviceConnection(
      device,
      driver,
      {
        onMeasurements: (_, measurements, at, { durable }) => readings.accept(measurements, at, durable),
        onDecodeError: (_, error) => {
          this.decodeErrors.add(device.id, error.code);
          this.statusChanged();
        },
        onStateChange: (_, state) => {
          if (state === 'connected') this.event({ type: 'device-attached', deviceId: device.id });
          if (state === 'disconnected') this.event({ type: 'device-lost', deviceId: device.id });
          this.statusChanged();
        },
      },
      this.log,
      {
        system: this.config.system,
        openPort,
        askAgainAfterMs: this.config.outbox.disk.askAgainSeconds * 1000,
      },
    );
  }

  private makePublisher(connect: AgentParts['connectMqtt']): Publisher {
    const { config, log } = this;
    const password = brokerPassword(config);
    return new Publisher({
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
      status: () => this.board.kioskStatus(),
      onReceived: (ids) => {
        this.events.emit('update', { type: 'received', ids });
        this.clinicScreenings.wake();
      },
      onRejected: (id, code, message) => {
        this.events.emit('update', { type: 'rejected', id, code, message });
        this.clinicScreenings.wake();
      },
      onConnection: (connected) => {
        if (connected) this.clinicScreenings.wake();
        this.statusChanged();
      },
      connect,
    });
  }

  private onKept(kept: readonly KeptReading[]): void {
    this.board.readingsKept(kept);
    for (const { reading, deviceId } of kept) {
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
    }
    this.publisher.kick();
    this.statusChanged();
  }

  /**
   * The clinic did (or refused) a screening's open or finish: the readings it held back go now, and
   * the page learns that a screening opened here is open at the clinic too.
   */
  private requestSettled(): void {
    this.publisher.kick();
    this.events.emit('update', { type: 'session', session: this.screening.current() ?? null });
    this.statusChanged();
  }

  /** Counted, shown on the kiosk page so the worker measures again, never sent as a clinical fact. */
  private onRefused({ deviceId, code, message }: RefusedMeasurement): void {
    this.board.measurementRefused(deviceId, code);
    this.log.warn({ device: deviceId, code }, `measurement not taken: ${message}`);
    this.events.emit('update', { type: 'measurement-rejected', deviceId, code, message });
    this.statusChanged();
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

  private reportDecodeErrors(): void {
    for (const { deviceId, code, count } of this.decodeErrors.drain())
      this.event({ type: 'decode-errors', deviceId, code, count });
  }
}
