import { EventEmitter } from 'node:events';
import type { LiveValue } from '@klinik-desa/devices';
import { DeviceMeasurement, type Reading, topics } from '@klinik-desa/protocol';
import { type RuleOptions, wallClockMs } from '@klinik-desa/screening';
import { KioskClock } from '../clock/kiosk-clock.js';
import { OutboxFullError } from '../disk/no-space.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OpenScreening } from '../screening/index.js';
import { firstIssue } from '../zod-issue.js';
import { buildReading, type ReadingContext, type ReadingResult } from './build-reading.js';
import { dedupeKey, formerDedupeKeys } from './dedupe.js';
import { type LiveReading, liveFromDialogue, liveFromMeasurement } from './live.js';
import { MANUAL, ManualReadingError, type RejectionDetails, rejectionDetails } from './manual.js';
import { MultiPacketJoiner } from './multi-packet.js';
import { PlxStreamSettler } from './plx-stream.js';
import { SpotCheckDetector } from './spot-check.js';
import { WeighingDetector } from './weighing.js';

/** Who this kiosk is and the rules its readings are flagged by: fixed for the agent's life. */
export interface PipelineKiosk {
  clinicId: string;
  kioskId: string;
  timeZone: string;
  rules: RuleOptions;
}

export interface ReadingPipelineOptions {
  kiosk: PipelineKiosk;
  /** Where kept readings go; a reading is on disk there before anyone hears of it. */
  outbox: Outbox;
  /** The screening open now: readings taken during it are bound to it. */
  screening: { current(): OpenScreening | undefined };
  /** The kiosk clock's time of typed-in values (tests move it). */
  now?: () => Date;
  /**
   * Turns the kiosk clock's times into trusted ones and says how sure they are; its `timeline` is
   * the outbox's, for the restart check of scales. A new unchecked one by default.
   */
  clock?: KioskClock;
  /** A reading was stamped before the clock was checked: it may be corrected before it is sent. */
  onUntrusted?: (readingId: string, wallMs: number, monotonic: number) => void;
  /** Whether new readings may be written now; false while the outbox's disk is full (disk/). */
  disk?: { readonly writable: boolean };
  /** Readings of streaming devices held in memory at most while they cannot be written (500). */
  holdMax?: number;
  /** How long the first packet of a two-packet measurement waits for its second (5000 ms). */
  packetWaitMs?: number;
}

/** A reading the outbox took, with the device it came from. */
export interface KeptReading {
  reading: Reading;
  deviceId: string;
}

/** A measurement that is not a patient reading (impossible value, control solution). */
export interface RefusedMeasurement {
  deviceId: string;
  code: string;
  message: string;
  /** For the kiosk page's words: the value and the number refused. */
  details: RejectionDetails;
}

export interface ReadingPipelineEvents {
  /** Readings kept in one outbox transaction, in the order they were measured. */
  kept: [kept: KeptReading[]];
  refused: [refused: RefusedMeasurement];
  /** A record the device handed over before (a meter's memory dump): not kept twice. */
  duplicate: [duplicate: { deviceId: string; dedupeKey: string | undefined }];
  /**
   * A streaming device's reading the outbox could not take (its disk is full): held in memory and
   * written once it can, or, past `holdMax`, dropped. Counts are the totals now.
   */
  held: [held: { reading: Reading; deviceId: string; dropped: boolean; held: number; droppedTotal: number }];
  /**
   * A value on its way to a reading (an oximeter settling, a cuff inflating): shown to the health
   * worker as it comes, never kept or published.
   */
  live: [live: LiveReading];
}

/** What waits to be written; `refusable` ones can be refused (the device asks again, the page says so). */
interface ToKeep {
  reading: Reading;
  deviceId: string;
  key?: string;
  formerKeys?: readonly string[];
  refusable: boolean;
}

/** One device's way into the pipeline, made once per device: nothing is looked up per frame. */
export interface DeviceReadings {
  /** With `durable`, the readings are on disk when this returns (the device is about to be told). */
  accept(measurements: readonly DeviceMeasurement[], receivedAt: Date, durable: boolean): void;
  /** Values a dialogue reports on the way to a measurement (a cuff inflating): shown, never kept. */
  live(values: readonly LiveValue[]): void;
}

/** A device as the pipeline needs to know it: streaming devices are settled before they count. */
export interface PipelineDevice {
  id: string;
  protocol: string;
  mode: 'stream' | 'dialogue';
}

const INCOMPLETE = {
  code: 'INCOMPLETE_MEASUREMENT',
  details: {},
  message:
    'the scale sent the first packet of a two-packet measurement and not the second: nothing was kept, measure again',
};

/** A record from a meter's memory older or newer than this is someone else's measurement. */
const BIND_WITHIN_MS = 15 * 60_000;
/** A scale's last weighing counts as the one still on it after a restart for this long. */
const RESTART_WEIGHING_MS = 30_000;

/**
 * Decoded measurements → one reading per weighing or finger (the detectors) → bound to the open
 * screening when it was measured during it → a `Reading` → kept in the outbox. Emits `kept` for
 * what the outbox took and `refused` for what is not a patient reading; it publishes and shows
 * nothing itself. Frames that arrive together are kept in one transaction.
 */
export class ReadingPipeline extends EventEmitter<ReadingPipelineEvents> {
  private readonly kiosk: PipelineKiosk;
  private readonly outbox: Outbox;
  private readonly screening: ReadingPipelineOptions['screening'];
  private readonly now: () => Date;
  private readonly clock: KioskClock;
  private readonly onUntrusted: NonNullable<ReadingPipelineOptions['onUntrusted']>;
  /** Every reading of this kiosk goes out on one topic; working it out per reading cost a check. */
  private readonly topic: string;
  private readonly toKeep: ToKeep[] = [];
  private keepSoon: NodeJS.Immediate | undefined;
  private readonly disk: { readonly writable: boolean };
  private readonly holdMax: number;
  /** Streaming devices' readings waiting for space, oldest first: written before anything newer. */
  private held: ToKeep[] = [];
  private droppedTotal = 0;
  private readonly packetWaitMs: number;

  constructor(options: ReadingPipelineOptions) {
    super();
    this.kiosk = options.kiosk;
    this.outbox = options.outbox;
    this.screening = options.screening;
    this.now = options.now ?? (() => new Date());
    this.clock = options.clock ?? new KioskClock();
    this.onUntrusted = options.onUntrusted ?? (() => {});
    this.topic = topics.readings(options.kiosk.clinicId, options.kiosk.kioskId);
    this.disk = options.disk ?? { writable: true };
    this.holdMax = options.holdMax ?? 500;
    this.packetWaitMs = options.packetWaitMs ?? 5000;
  }

  /** Readings held in memory now, and dropped since start, for want of disk space. */
  holding(): { held: number; dropped: number } {
    return { held: this.held.length, dropped: this.droppedTotal };
  }

  forDevice(device: PipelineDevice): DeviceReadings {
    const settle = device.mode === 'stream' ? this.settler(device.id) : this.gatewaySettler(device.id);
    const packets = new MultiPacketJoiner();
    let packetWait: NodeJS.Timeout | undefined;
    const lone = () => this.emit('refused', { deviceId: device.id, ...INCOMPLETE });
    return {
      accept: (measurements, receivedAt, durable) => {
        for (const m of measurements) {
          const { whole, lone: first } = packets.accept(m);
          if (first) lone();
          const settled = whole && settle(whole);
          if (settled) this.take(settled, device.id, device.protocol, receivedAt, durable);
        }
        // A first packet whose second does not come soon is reported, never kept as half a reading.
        if (!packets.holding()) {
          clearTimeout(packetWait);
          packetWait = undefined;
        } else if (packetWait === undefined) {
          packetWait = setTimeout(() => {
            packetWait = undefined;
            for (const _ of packets.expire()) lone();
          }, this.packetWaitMs);
          packetWait.unref();
        }
        // The device is about to be told these were received: keep them on disk first.
        if (durable) this.flush();
      },
      live: (values) => {
        for (const live of liveFromDialogue(device.id, values)) this.emit('live', live);
      },
    };
  }

  /**
   * A value the health worker typed on the kiosk page: a height from a stadiometer or a waist from
   * a tape, which no cable brings. Checked, flagged and bound to the open screening as a device's
   * reading is, and on disk in the outbox before this returns, since the page then says it is kept.
   * Throws `ManualReadingError`.
   */
  addManual(input: unknown): Reading {
    const parsed = DeviceMeasurement.safeParse(input);
    if (!parsed.success) throw new ManualReadingError(400, 'BAD_MEASUREMENT', firstIssue(parsed.error));
    const result = this.build(parsed.data, MANUAL.id, MANUAL.protocol, this.now(), true);
    if (!result.ok)
      throw new ManualReadingError(
        422,
        result.error.code,
        result.error.message,
        rejectionDetails(result.error),
      );
    this.toKeep.push({ reading: result.reading, deviceId: MANUAL.id, refusable: true });
    this.flush();
    return result.reading;
  }

  /**
   * Keeps what is waiting now, held readings first, in one transaction (also when the agent stops,
   * and when space is back). When the outbox cannot take them, streaming devices' readings are held
   * and a dialogue's or a typed-in one make this throw `OutboxFullError`: that device is not told
   * they were received, and asks again.
   */
  flush(): void {
    if (this.keepSoon) clearImmediate(this.keepSoon);
    this.keepSoon = undefined;
    const fresh = this.toKeep.splice(0);
    if (fresh.length === 0 && this.held.length === 0) return;
    let full = new OutboxFullError('the outbox is not taking new readings: its disk is full');
    if (this.disk.writable) {
      try {
        this.keep([...this.held, ...fresh]);
        this.held = [];
        return;
      } catch (error) {
        if (!(error instanceof OutboxFullError)) throw error;
        full = error;
      }
    }
    for (const item of fresh) if (!item.refusable) this.hold(item);
    if (fresh.some((item) => item.refusable)) throw full;
  }

  private hold(item: ToKeep): void {
    const dropped = this.held.length >= this.holdMax;
    if (dropped) this.droppedTotal++;
    else this.held.push(item);
    this.emit('held', {
      reading: item.reading,
      deviceId: item.deviceId,
      dropped,
      held: this.held.length,
      droppedTotal: this.droppedTotal,
    });
  }

  /** Writes the batch in one transaction and tells who listens; throws `OutboxFullError`. */
  private keep(batch: readonly ToKeep[]): void {
    const added = this.outbox.addMany(
      batch.map(({ reading, key, formerKeys }) => ({
        id: reading.id,
        topic: this.topic,
        payload: JSON.stringify(reading),
        ...(key !== undefined ? { dedupeKey: key } : {}),
        ...(formerKeys && formerKeys.length > 0 ? { formerKeys } : {}),
      })),
    );
    const kept: KeptReading[] = [];
    batch.forEach(({ reading, deviceId, key }, i) => {
      if (added[i]) kept.push({ reading, deviceId });
      else this.emit('duplicate', { deviceId, dedupeKey: key });
    });
    this.emit('kept', kept);
  }

  /**
   * The settling step of the streaming devices behind a dialogue (continuous pulse oximeters behind
   * the BLE gateway), one per device address, made when first needed. Values on their way are
   * shown live, never kept.
   */
  private gatewaySettler(deviceId: string) {
    const oximeters = new Map<string, PlxStreamSettler>();
    return (m: DeviceMeasurement): DeviceMeasurement | undefined => {
      if (m.kind !== 'pulse-oximetry' || m.extra?.['continuous'] !== true) return m;
      const address = String(m.extra['deviceAddress'] ?? '');
      let oximeter = oximeters.get(address);
      if (!oximeter) {
        oximeter = new PlxStreamSettler();
        oximeters.set(address, oximeter);
      }
      const { settled, settling } = oximeter.accept(m);
      if (settling) this.emit('live', liveFromMeasurement(deviceId, settling));
      return settled;
    };
  }

  /** The detectors of one streaming device, made when first needed. */
  private settler(deviceId: string) {
    let weighing: WeighingDetector | undefined;
    let spotCheck: SpotCheckDetector | undefined;
    return (m: DeviceMeasurement): DeviceMeasurement | undefined => {
      if (m.kind === 'weight') {
        weighing ??= new WeighingDetector(undefined, this.lastWeightKg(deviceId));
        return weighing.accept(m);
      }
      if (m.kind === 'pulse-oximetry') {
        spotCheck ??= new SpotCheckDetector();
        return spotCheck.accept(m);
      }
      return m;
    };
  }

  private take(
    m: DeviceMeasurement,
    deviceId: string,
    protocol: string,
    receivedAt: Date,
    refusable: boolean,
  ): void {
    const result = this.build(m, deviceId, protocol, receivedAt);
    if (!result.ok) {
      // An impossible value or a control-solution test: not a patient reading, never sent as a
      // clinical fact; the worker is told to measure again.
      this.emit('refused', {
        deviceId,
        code: result.error.code,
        message: result.error.message,
        details: rejectionDetails(result.error),
      });
      return;
    }
    const key = dedupeKey(deviceId, m);
    this.toKeep.push({
      reading: result.reading,
      deviceId,
      refusable,
      ...(key !== undefined ? { key, formerKeys: formerDedupeKeys(deviceId, m) } : {}),
    });
    // Frames that arrive together (a burst, a meter's memory dump) are kept in one transaction:
    // one disk flush for all of them, before any of them is shown or sent.
    this.keepSoon ??= setImmediate(() => this.flush());
  }

  /** The measurement as a reading of this kiosk, bound to the open screening when it belongs to it. */
  private build(
    m: DeviceMeasurement,
    deviceId: string,
    protocol: string,
    kioskTime: Date,
    manual = false,
  ): ReadingResult {
    const { clinicId, kioskId, timeZone, rules } = this.kiosk;
    // The device's clock and the 15-minute window are judged against trusted time: a stale kiosk
    // clock must not call a right meter wrong, nor unbind its reading.
    const monotonic = this.clock.monotonicNow();
    const { ms, clock } = this.clock.correct(kioskTime.getTime(), monotonic);
    const receivedAt = new Date(ms);
    const context: ReadingContext = {
      clinicId,
      kioskId,
      deviceId,
      protocol,
      receivedAt,
      manual,
      timeZone,
      rules,
      clock,
    };
    // A record from a meter's memory belongs to whoever was measured then, not to the patient at the
    // kiosk now: only a measurement taken in the last minutes is bound to the open screening.
    const recent =
      m.deviceTime === undefined ||
      Math.abs(Date.parse(`${m.deviceTime}Z`) - wallClockMs(receivedAt, { timeZone })) < BIND_WITHIN_MS;
    const screening = recent ? this.screening.current() : undefined;
    if (screening) {
      context.sessionId = screening.sessionId;
      context.patientId = screening.patientId;
      context.patient = {
        ...(screening.sex ? { sex: screening.sex } : {}),
        ...(screening.ageYears !== undefined ? { ageYears: screening.ageYears } : {}),
      };
      if (screening.glucoseContext) context.glucoseContext = screening.glucoseContext;
    }
    const result = buildReading(m, context);
    if (result.ok && !clock.trusted) this.onUntrusted(result.reading.id, kioskTime.getTime(), monotonic);
    return result;
  }

  /**
   * The weight of this scale's last reading when it is only seconds old: an agent restarted while
   * someone stands on the scale must not weigh them twice. Read once per scale, when its first
   * weight arrives: after a restart only the outbox remembers it.
   */
  private lastWeightKg(deviceId: string): number | undefined {
    // The outbox stamps `createdAt` on the clock's timeline, which no step moves.
    const now = this.clock.timeline();
    for (const entry of this.outbox.recent(50)) {
      if (now - entry.createdAt > RESTART_WEIGHING_MS) return undefined;
      const reading = JSON.parse(entry.payload) as Reading;
      if (reading.device.id !== deviceId || reading.kind !== 'weight') continue;
      return reading.values.find((v) => v.name === 'weight')?.value ?? undefined;
    }
    return undefined;
  }
}
