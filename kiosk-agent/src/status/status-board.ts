import type { DeviceStatus, DiskStatus, KioskStatus } from '@klinik-desa/protocol';
import type { ClockView } from '../clock/kiosk-clock.js';
import type { DamagedFile } from '../files/damaged-file.js';
import type { Outbox, OutboxStats } from '../outbox/outbox.js';
import type { KeptReading } from '../readings/index.js';
import type { OpenScreening } from '../screening/index.js';
import { AGENT_VERSION } from '../version.js';
import { gauge, type Metric } from './metrics.js';

/** The broker connection as the status shows it (the publisher's view). */
export interface BrokerView {
  readonly connected: boolean;
  /** Publishes in flight at most now. */
  readonly window: number;
  readonly lastError: string | undefined;
}

/**
 * What the local API answers on `/status`: the MQTT status plus what only the kiosk page needs.
 * `session` keeps its name: the page and `kiosk-agent status` read it.
 */
export interface LocalStatus extends KioskStatus {
  broker: { connected: boolean; maxInFlight: number; maxBatch: number; lastError?: string };
  session: OpenScreening | null;
  outboxDetail: OutboxStats;
  /** Files found damaged since the agent started, set aside, with what was read back out of them. */
  damagedFiles: DamagedFile[];
  /** Whether the kiosk's clock has been checked against the clinic's, and how far off it is. */
  clock: ClockView;
  warnings: string[];
}

export interface StatusSources {
  kiosk: { clinicId: string; kioskId: string; maxBatch: number };
  devices: readonly { readonly status: DeviceStatus }[];
  outbox: Pick<Outbox, 'stats'>;
  broker: BrokerView;
  screening: { current(): OpenScreening | undefined };
  /** Files found damaged since the agent started (the list grows as more are found). */
  damagedFiles?: readonly DamagedFile[];
  /** What the kiosk knows of its clock; unchecked when not given. */
  clock?: () => ClockView;
  /** The outbox's disk; absent for an outbox in memory. */
  disk?: { status(): DiskStatus };
  /** The clock of `at` and `startedAt`. */
  now?: () => Date;
}

/**
 * How this kiosk is: the retained MQTT status, the local API's richer view and the Prometheus
 * metrics, all read from the parts that know (devices, outbox, broker, open screening). It keeps
 * the per-device reading counts, which no other part needs.
 */
export class StatusBoard {
  private readonly now: () => Date;
  private readonly startedAt: string;
  private readonly devicesById: ReadonlyMap<string, DeviceStatus>;

  constructor(private readonly sources: StatusSources) {
    this.now = sources.now ?? (() => new Date());
    this.startedAt = this.now().toISOString();
    this.devicesById = new Map(sources.devices.map((d) => [d.status.id, d.status]));
  }

  /** Counts kept readings against their devices (typed-in ones have none). */
  readingsKept(kept: readonly KeptReading[]): void {
    for (const { reading, deviceId } of kept) {
      const status = this.devicesById.get(deviceId);
      if (!status) continue;
      status.readings = (status.readings ?? 0) + 1;
      status.lastReadingAt = reading.receivedAt;
    }
  }

  /** A measurement the device sent that is no patient reading, counted by its code. */
  measurementRefused(deviceId: string, code: string): void {
    const status = this.devicesById.get(deviceId);
    if (status) status.errors[code] = (status.errors[code] ?? 0) + 1;
  }

  kioskStatus(): KioskStatus {
    const outbox = this.sources.outbox.stats();
    return {
      state: 'online',
      clinicId: this.sources.kiosk.clinicId,
      kioskId: this.sources.kiosk.kioskId,
      at: this.now().toISOString(),
      version: AGENT_VERSION,
      startedAt: this.startedAt,
      devices: this.sources.devices.map((d) => ({ ...d.status, errors: { ...d.status.errors } })),
      outbox: {
        depth: outbox.pending,
        capacity: outbox.capacity,
        nearlyFull: outbox.nearlyFull,
        ...(outbox.oldestPendingAt !== undefined
          ? { oldestAt: new Date(outbox.oldestPendingAt).toISOString() }
          : {}),
      },
      ...(this.sources.disk ? { disk: this.sources.disk.status() } : {}),
    };
  }

  localStatus(): LocalStatus {
    const stats = this.sources.outbox.stats();
    const { broker } = this.sources;
    const damaged = this.sources.damagedFiles ?? [];
    const clock = this.sources.clock?.() ?? { trusted: false };
    return {
      ...this.kioskStatus(),
      broker: {
        connected: broker.connected,
        maxInFlight: broker.window,
        maxBatch: this.sources.kiosk.maxBatch,
        ...(broker.lastError ? { lastError: broker.lastError } : {}),
      },
      session: this.sources.screening.current() ?? null,
      outboxDetail: stats,
      damagedFiles: [...damaged],
      clock,
      warnings: [
        ...(clock.trusted
          ? []
          : [
              "the kiosk clock has not been checked against the clinic's yet: readings are flagged until it is",
            ]),
        ...damaged.map(
          (d) =>
            `${d.path} was damaged (${d.reason}) and is kept as ${d.keptAs}; read back: ${d.recovered ?? 'nothing'}`,
        ),
        ...(stats.nearlyFull
          ? [
              `the outbox holds ${stats.pending} unconfirmed readings (capacity ${stats.capacity}): the clinic has been unreachable for long`,
            ]
          : []),
        ...diskWarnings(this.sources.disk?.status()),
        ...(stats.rejected > 0
          ? [`${stats.rejected} reading(s) were rejected by the clinic: see the readings list`]
          : []),
      ],
    };
  }

  metrics(): Metric[] {
    const stats = this.sources.outbox.stats();
    const devices = this.sources.devices.map((d) => d.status);
    const mem = process.memoryUsage();
    return [
      {
        name: 'kd_readings_total',
        help: 'Readings kept in the outbox, by device.',
        type: 'counter',
        samples: devices.map((d) => ({ labels: { device: d.id }, value: d.readings ?? 0 })),
      },
      {
        name: 'kd_device_errors_total',
        help: 'Frames that failed to decode and port errors, by device and code.',
        type: 'counter',
        samples: devices.flatMap((d) =>
          Object.entries(d.errors).map(([code, n]) => ({ labels: { device: d.id, code }, value: n })),
        ),
      },
      {
        name: 'kd_driver_failures_total',
        help: 'Decodes a driver failed (threw, ran out of time or memory, refused at start), by driver, device and code.',
        type: 'counter',
        samples: devices.flatMap((d) =>
          Object.entries(d.errors)
            .filter(([code]) => code.startsWith('DRIVER_'))
            .map(([code, n]) => ({ labels: { driver: d.protocol, device: d.id, code }, value: n })),
        ),
      },
      {
        name: 'kd_device_connected',
        help: '1 when the device port is open.',
        type: 'gauge',
        samples: devices.map((d) => ({
          labels: { device: d.id },
          value: d.state === 'connected' ? 1 : 0,
        })),
      },
      gauge('kd_outbox_pending', 'Readings the clinic has not confirmed.', stats.pending),
      gauge('kd_outbox_rejected', 'Readings the clinic rejected.', stats.rejected),
      gauge('kd_outbox_total', 'Readings kept, confirmed ones included.', stats.total),
      gauge('kd_outbox_capacity', 'Configured outbox capacity.', stats.capacity),
      ...diskMetrics(this.sources.disk?.status()),
      gauge('kd_mqtt_connected', '1 when connected to the broker.', this.sources.broker.connected ? 1 : 0),
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
}

function diskWarnings(disk: DiskStatus | undefined): string[] {
  if (!disk) return [];
  const free = `${(disk.freeBytes / 1024 / 1024).toFixed(1)} MB free`;
  return [
    ...(disk.state === 'full'
      ? [`the kiosk's disk is full (${free}): ${disk.held} reading(s) held in memory; free space on it`]
      : []),
    ...(disk.state === 'low' ? [`the kiosk's disk is getting full (${free})`] : []),
    ...(disk.dropped > 0 ? [`${disk.dropped} reading(s) were dropped: the disk was full too long`] : []),
  ];
}

function diskMetrics(disk: DiskStatus | undefined): Metric[] {
  if (!disk) return [];
  return [
    gauge('kd_disk_free_bytes', "Free bytes on the outbox's filesystem.", disk.freeBytes),
    gauge(
      'kd_disk_full',
      '1 while new readings cannot be written for lack of space.',
      disk.state === 'full' ? 1 : 0,
    ),
    gauge('kd_readings_held', "Streaming devices' readings held in memory, waiting for space.", disk.held),
    {
      name: 'kd_readings_dropped_total',
      help: 'Readings dropped because the disk was full and the held ones at their bound.',
      type: 'counter',
      samples: [{ labels: {}, value: disk.dropped }],
    },
  ];
}
