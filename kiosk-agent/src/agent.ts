import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type KioskEvent, type KioskStatus, newUuidV7, type Reading } from '@klinik-desa/protocol';
import { zoneSpec } from '@klinik-desa/screening';
import { checkClock } from './clock/clock-check.js';
import type { KioskClock } from './clock/kiosk-clock.js';
import { LateCorrection } from './clock/late-correction.js';
import type { DeviceConfig, KioskConfig } from './config/config.js';
import { gatewayDialogueOptions } from './devices/behind-gateway.js';
import { DeviceConnection } from './devices/device-connection.js';
import { FailedDevice } from './devices/failed-device.js';
import { type DiskGuard, DiskPressure, diskGuardFor, openBesideReserve } from './disk/index.js';
import { type DeviceDriverPlan, planDeviceDriver, vendorEntrances } from './drivers/device-drivers.js';
import { DriverReports } from './drivers/driver-reports.js';
import type { KioskDrivers } from './drivers/load-drivers.js';
import type { DamagedFile } from './files/damaged-file.js';
import type { AgentEvents, AgentView, ResendOutcome } from './http/agent-view.js';
import { startLocalApi } from './http/local-api.js';
import type { Logger } from './logger.js';
import type { Outbox, OutboxEntry } from './outbox/outbox.js';
import { type AgentParts, REAL_PARTS } from './parts.js';
import { Publisher } from './publish/publisher.js';
import { publisherSettings } from './publish/publisher-settings.js';
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
  type OpenScreeningRequest,
  ScreeningState,
} from './screening/index.js';
import { DecodeErrorTally, type LocalStatus, type Metric, StatusBoard } from './status/index.js';
import { AGENT_VERSION } from './version.js';

/** How often decode errors are summed into one `decode-errors` event per device and code. */
const DECODE_EVENT_EVERY_MS = 60_000;

/** How a device's connection finds its port, waits after a refusal, and (a gateway) what its dialogue gets. */
function connectionOptions(
  config: KioskConfig,
  device: DeviceConfig,
  openPort: AgentParts['openPort'],
  clock: KioskClock,
): ConstructorParameters<typeof DeviceConnection>[4] {
  return {
    system: config.system,
    openPort,
    askAgainAfterMs: config.outbox.disk.askAgainSeconds * 1000,
    ...gatewayDialogueOptions(device, clock, config.kiosk.timeZone),
  };
}

/**
 * The daemon, where its parts are wired: devices → the reading pipeline (readings bound to the
 * open screening, kept in the outbox) → the publisher (MQTT), with the status board, the clinic
 * screenings and the local API beside them. Every reading is on disk in the outbox before anything
 * else happens to it. Ports, broker, outbox and clinic client come from `parts` (the real ones by
 * default).
 */
export class Agent implements AgentView {
  readonly outbox: Outbox;
  readonly devices: (DeviceConnection | FailedDevice)[];
  readonly screening: ScreeningState;
  /** Patient look-up and registration at the clinic, for the kiosk page. */
  readonly patients: ClinicPatients;
  readonly practitioners: ClinicPractitioners;
  readonly events = new EventEmitter<AgentEvents>();
  /** The kiosk's sense of time, checked against the clinic's on every receipt. */
  readonly clock: KioskClock;
  private readonly readings: ReadingPipeline;
  private readonly board: StatusBoard;
  private readonly clinicScreenings: ClinicScreenings;
  private readonly publisher: Publisher;
  private readonly decodeErrors = new DecodeErrorTally();
  private readonly driverReports: DriverReports;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Files found damaged and set aside, for the status; reported as events once the broker is there. */
  private readonly damaged: DamagedFile[] = [];
  private started = false;
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
    /** The vendor drivers `loadKioskDrivers` loaded and refused for this config. */
    drivers: KioskDrivers = { loaded: [], refused: [] },
  ) {
    this.driverReports = new DriverReports(drivers.refused, (e) => this.event(e));
    const { openPort, connectMqtt, openOutbox, clinicClient, makeClock } = { ...REAL_PARTS, ...parts };
    this.clock = makeClock();
    const late = new LateCorrection(this.clock);
    this.events.setMaxListeners(100);
    // Resolve every driver first: an unknown protocol is a config error before anything opens.
    const plans = config.devices.map((d) => planDeviceDriver(d, drivers));
    const setAside = (what: string, then: string) => (damaged: DamagedFile) => {
      log.error(
        damaged,
        `${what} ${damaged.path} could not be read (${damaged.reason}): kept as ${damaged.keptAs} for inspection; ${then}, ${damaged.recovered ? `with ${damaged.recovered}` : 'nothing could be read back'}`,
      );
      this.damaged.push(damaged);
      if (this.started) this.reportDamaged(damaged);
    };
    const guard: DiskGuard | undefined = diskGuardFor(config.outbox);
    // Until the disk's watch exists (below), a write that finds the disk full only frees the reserve.
    const noSpace = (error: unknown) => (this.disk ?? guard)?.noSpace(error);
    this.outbox = openBesideReserve(guard, () =>
      openOutbox(
        config.outbox,
        setAside('the outbox', 'continuing on a new one'),
        () => this.clock.timeline(),
        noSpace,
      ),
    );
    this.clock.resumeTimeline(this.outbox.latestTime());
    this.screening = new ScreeningState(
      config.outbox.path === ':memory:' ? undefined : `${config.outbox.path}.session.json`,
      setAside("the open screening's state file", 'starting with what could be trusted'),
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
      clock: this.clock,
      onUntrusted: (id, wallMs, monotonic) => late.note(id, wallMs, monotonic),
      ...(guard ? { disk: guard } : {}),
      holdMax: config.outbox.disk.holdReadings,
    });
    this.readings.on('held', (held) => this.disk?.held(held));
    this.readings.on('kept', (kept) => this.onKept(kept));
    this.readings.on('refused', (refused) => this.onRefused(refused));
    this.readings.on('live', (live) => this.events.emit('update', { type: 'live', ...live }));
    this.readings.on('duplicate', ({ deviceId, dedupeKey }) =>
      log.debug({ device: deviceId, key: dedupeKey }, 'a record the device sent before: not kept twice'),
    );
    this.devices = config.devices.map((d, i) => {
      const plan = plans[i];
      if (plan === undefined || 'refused' in plan) {
        log.error({ device: d.id }, plan?.refused ?? `device ${d.id} has no driver`);
        return new FailedDevice(d, 'DRIVER_REFUSED');
      }
      return this.connection(plan, openPort);
    });
    this.publisher = this.makePublisher(connectMqtt, (entry) => late.payloadFor(entry));
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
      damagedFiles: this.damaged,
      clock: () => this.clock.view(),
      now: () => new Date(this.clock.now()),
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
    this.every(DECODE_EVENT_EVERY_MS, () => this.driverReports.flush());
    this.every(60_000, () => this.housekeeping());
    this.housekeeping();
    this.event({ type: 'started', message: `kiosk agent ${AGENT_VERSION}` });
    this.started = true;
    for (const d of this.damaged) this.reportDamaged(d);
    this.driverReports.logRefusals(this.log);
    return address;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.clinicScreenings.stop();
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.statusSoon);
    this.reportDecodeErrors();
    this.driverReports.flush();
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

  resendRejected(codes: readonly string[]): ResendOutcome {
    const entries = this.outbox.requeueRejected(codes);
    const first = entries[0];
    if (!first) return { readings: 0, requests: 0 };
    const readings = entries.filter((e) => e.kind === 'reading').length;
    this.log.warn(
      { codes, readings, requests: entries.length - readings },
      `sending again ${entries.length} outbox entries the clinic had rejected (${codes.join(', ')})`,
    );
    this.publisher.sendAgainFrom(first.seq);
    this.clinicScreenings.wake();
    this.statusChanged();
    return { readings, requests: entries.length - readings };
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
  private connection(plan: Exclude<DeviceDriverPlan, { refused: string }>, openPort: AgentParts['openPort']) {
    const { device, driver, contained, vendor } = plan;
    const readings = this.readings.forDevice({ id: device.id, protocol: device.protocol, mode: driver.mode });
    const vendorEntrance = vendorEntrances(this.readings, device.id);
    return new DeviceConnection(
      device,
      driver,
      {
        onMeasurements: (_, measurements, at, { durable }) => readings.accept(measurements, at, durable),
        onLive: (_, values) => readings.live(values),
        onVendorMeasurement: (_, driverId, measurement, at) =>
          vendorEntrance(driverId).accept([measurement], at, false),
        onDecodeError: (_, error) => {
          this.decodeErrors.add(device.id, error.code);
          this.statusChanged();
        },
        onDriverFailure: (_, failure, failed) => {
          this.driverReports.failed(device.id, failure, failed);
          this.statusChanged();
        },
        onStateChange: (_, state) => {
          if (state === 'connected') this.event({ type: 'device-attached', deviceId: device.id });
          if (state === 'disconnected') this.event({ type: 'device-lost', deviceId: device.id });
          this.statusChanged();
        },
        onStatusDetail: () => this.statusChanged(),
      },
      this.log,
      connectionOptions(this.config, device, openPort, this.clock),
      contained,
      vendor,
    );
  }

  private makePublisher(
    connect: AgentParts['connectMqtt'],
    payloadFor: (entry: OutboxEntry) => string,
  ): Publisher {
    return new Publisher({
      ...publisherSettings(this.config),
      outbox: this.outbox,
      log: this.log,
      status: () => this.board.kioskStatus(),
      payloadFor,
      onClinicTime: (clinicMs, roundTripMs) => this.clockChecked(clinicMs, roundTripMs),
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
        if (connected) this.driverReports.brokerConnected();
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
  private onRefused({ deviceId, code, message, details }: RefusedMeasurement): void {
    this.board.measurementRefused(deviceId, code);
    this.log.warn({ device: deviceId, code }, `measurement not taken: ${message}`);
    this.events.emit('update', { type: 'measurement-rejected', deviceId, code, message, details });
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
      at: new Date(this.clock.now()).toISOString(),
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

  /** A receipt told the clinic's time: the first check, or a clock found off, is worth a line. */
  private clockChecked(clinicMs: number, roundTripMs: number): void {
    const news = checkClock(this.clock, clinicMs, roundTripMs);
    if (!news) return;
    this.log.info({ offsetMs: news.offsetMs, uncertaintyMs: news.uncertaintyMs }, news.message);
    this.statusChanged();
  }

  private reportDamaged(d: DamagedFile): void {
    this.event({
      type: 'file-damaged',
      message: `${d.path}: ${d.reason}; kept as ${d.keptAs}; read back: ${d.recovered ?? 'nothing'}`.slice(
        0,
        1000,
      ),
    });
    this.statusChanged();
  }

  private reportDecodeErrors(): void {
    for (const { deviceId, code, count } of this.decodeErrors.drain())
      this.event({ type: 'decode-errors', deviceId, code, count });
  }
}
