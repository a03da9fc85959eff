import type { DiskStatus, KioskEvent } from '@klinik-desa/protocol';
import { Backoff } from '../backoff.js';
import type { Logger } from '../logger.js';
import type { ReadingPipelineEvents } from '../readings/index.js';
import type { DiskGuard, DiskReport, DiskState } from './disk-guard.js';

type HeldReading = ReadingPipelineEvents['held'][0];

export interface DiskPressureOptions {
  guard: DiskGuard;
  /** The reading pipeline: what it holds, and `flush` to write it once space is back. */
  readings: { flush(): void; holding(): { held: number; dropped: number } };
  log: Logger;
  /** Publishes a kiosk event. */
  event: (event: Pick<KioskEvent, 'type'> & Partial<Pick<KioskEvent, 'count' | 'code' | 'message'>>) => void;
  /** Something the status shows changed. */
  changed: () => void;
  /** How often the disk is looked at while it is not full. */
  checkEveryMs: number;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/**
 * Disk pressure as a state of the agent, not a crash: looks at the disk on a timer (sooner, with
 * backoff, while it is full), says when it turns low, full or healthy again (log, kiosk event,
 * status, the page's banner), and writes the readings held in memory once space is back.
 */
export class DiskPressure {
  private report: DiskReport;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly backoff: Backoff;

  constructor(private readonly options: DiskPressureOptions) {
    this.report = options.guard.open();
    this.backoff = new Backoff(500, options.checkEveryMs);
  }

  /** Starts watching; says at once when the agent starts on a low or full disk. */
  start(): void {
    this.announce('ok', this.report);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const { held } = this.options.readings.holding();
    if (held > 0)
      this.options.log.error(
        { held },
        `${held} reading(s) held in memory could not be written before the agent stopped: the disk is full`,
      );
  }

  /** A write failed for lack of space (the outbox or the state file tells this). */
  noSpace(error: unknown): void {
    const before = this.report.state;
    this.report = this.options.guard.noSpace(error);
    if (before !== 'full') {
      this.announce(before, this.report);
      this.backoff.reset();
      this.schedule();
    }
  }

  /** A streaming device's reading held in memory (or dropped past the bound): said loudly. */
  held({ reading, deviceId, dropped, held, droppedTotal }: HeldReading): void {
    const { log } = this.options;
    const readingId = reading.id;
    if (dropped) {
      log.error(
        { readingId, device: deviceId, held, dropped: droppedTotal },
        'reading dropped: the disk is full and the readings held in memory are at their bound',
      );
      // The first drop at once, then one event per hundred: the status carries the count meanwhile.
      if (droppedTotal === 1 || droppedTotal % 100 === 0)
        this.options.event({ type: 'readings-dropped', count: droppedTotal });
    } else {
      log.error(
        { readingId, device: deviceId, held, dropped: droppedTotal },
        'reading held in memory: the disk is full; it is written when space is back',
      );
    }
    this.options.changed();
  }

  status(): DiskStatus {
    const { held, dropped } = this.options.readings.holding();
    return {
      state: this.report.state,
      freeBytes: this.report.freeBytes,
      outboxBytes: this.report.outboxBytes,
      held,
      dropped,
    };
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const wait = this.report.state === 'full' ? this.backoff.next() : this.options.checkEveryMs;
    this.timer = setTimeout(() => this.check(), wait);
    this.timer.unref();
  }

  private check(): void {
    const before = this.report.state;
    this.report = this.options.guard.check();
    if (before === 'full' && this.report.state !== 'full') {
      this.backoff.reset();
      // Held readings go first; a failure here marks the disk full again through `noSpace`.
      this.options.readings.flush();
    }
    this.announce(before, this.report);
    this.schedule();
  }

  private announce(before: DiskState, report: DiskReport): void {
    const { log, event } = this.options;
    const now = report.state;
    if (now === before) return;
    const detail = { free: report.freeBytes, outbox: report.outboxBytes };
    if (now === 'low') {
      const message = `the kiosk's disk is getting full: ${mb(report.freeBytes)} free, the outbox uses ${mb(report.outboxBytes)}`;
      log.warn(detail, message);
      event({ type: 'disk-low', message });
    } else if (now === 'full') {
      const message = `the kiosk's disk is full (${report.lastError ?? 'ENOSPC'}): new readings are held in memory or left on the devices until space is freed`;
      log.error({ ...detail, code: report.lastError }, message);
      event({ type: 'disk-full', message, ...(report.lastError ? { code: report.lastError } : {}) });
    } else if (before === 'full') {
      const { held } = this.options.readings.holding();
      const message = `the kiosk's disk has space again (${mb(report.freeBytes)} free): readings are written again`;
      log.info({ ...detail, held }, message);
      event({ type: 'disk-recovered', message });
    } else {
      log.info(detail, `the kiosk's disk has room again: ${mb(report.freeBytes)} free`);
    }
    this.options.changed();
  }
}
