import type { DecodeError, VendorValue } from '@klinik-desa/devices';
import type { DeviceMeasurement } from '@klinik-desa/protocol';
import type { DriverBudget } from '../drivers/driver-budget.js';
import { FailureWindow } from '../drivers/failure-window.js';
import type { DecodeOutcome, DriverFailure, FrameDecoder } from '../drivers/frame-decoder.js';
import type { Logger } from '../logger.js';

/** What becomes of the values of vendor devices behind one gateway. */
export interface VendorValueEvents {
  /** A measurement of the device at `extra.deviceAddress`, decoded by driver `driverId`. */
  onMeasurement(driverId: string, measurement: DeviceMeasurement, receivedAt: Date): void;
  /** The driver rejected a value (a bad marker, a wrong XOR): counted like any garbled frame. */
  onDecodeError(error: DecodeError): void;
  /** The driver misbehaved on a value; `deviceOff` once the device behind the gateway is taken off. */
  onDriverFailure(failure: DriverFailure, deviceOff: boolean, deviceAddress: string): void;
}

/**
 * The values of vendor characteristics, handed on by the gateway dialogue, decoded by their
 * drivers under the vendor budget (each driver in its worker). A driver that fails too often on one
 * device takes that device off (its values are dropped from then on, until the agent restarts);
 * the gateway and the other devices behind it go on.
 */
export class VendorValueRouter {
  private settling: Promise<void> = Promise.resolve();
  private readonly failures = new Map<string, FailureWindow>();
  private readonly off = new Set<string>();
  private closed = false;

  constructor(
    private readonly decoders: ReadonlyMap<string, FrameDecoder>,
    private readonly budget: DriverBudget,
    private readonly events: VendorValueEvents,
    private readonly log: Logger,
    /** The gateway's device id, for log lines. */
    private readonly gatewayId: string,
  ) {}

  accept(values: readonly VendorValue[]): void {
    const receivedAt = new Date();
    for (const value of values) {
      const address = value.deviceAddress.toUpperCase();
      const decoder = this.decoders.get(value.driverId);
      if (this.closed || this.off.has(address) || !decoder) continue;
      const outcome = decoder.decode(value.value);
      // Settled in the order the gateway sent them, whichever driver answers first.
      this.settling = this.settling.then(async () => this.settle(value, address, await outcome, receivedAt));
    }
  }

  /** Resolves when every value accepted so far has been decoded and handed on. */
  settled(): Promise<void> {
    return this.settling;
  }

  /** Ends the drivers' workers once what is being decoded has settled (at most one decode's time). */
  async close(): Promise<void> {
    this.closed = true;
    const grace = new Promise((resolve) => setTimeout(resolve, this.budget.decodeMs).unref());
    await Promise.race([this.settling, grace]);
    await Promise.all([...this.decoders.values()].map((d) => d.close()));
    await this.settling;
  }

  private settle(value: VendorValue, address: string, outcome: DecodeOutcome, receivedAt: Date): void {
    if (this.off.has(address)) return;
    if (outcome.ok) {
      const { measurement } = outcome;
      const extra = { ...measurement.extra, deviceAddress: address };
      this.events.onMeasurement(value.driverId, { ...measurement, extra }, receivedAt);
      return;
    }
    if ('error' in outcome) {
      this.events.onDecodeError(outcome.error);
      return;
    }
    // A decode ended by the stop itself is no failure of the driver.
    if (this.closed) return;
    const { failure } = outcome;
    let window = this.failures.get(address);
    if (!window) {
      window = new FailureWindow(this.budget.maxFailures, this.budget.failureWindowMs);
      this.failures.set(address, window);
    }
    const tripped = window.note();
    this.log.error(
      { device: this.gatewayId, deviceAddress: address, driver: failure.driverId, code: failure.code },
      `driver ${failure.driverId} failed on a value of ${address} behind ${this.gatewayId} (${failure.code}): ${failure.message}`,
    );
    if (tripped) {
      this.off.add(address);
      this.log.error(
        { device: this.gatewayId, deviceAddress: address, driver: failure.driverId },
        `BLE device ${address} behind ${this.gatewayId} is off: its driver ${failure.driverId} failed ${this.budget.maxFailures} times within ${this.budget.failureWindowMs / 1000} s; the gateway and its other devices go on. Fix: update or remove the driver, then restart the agent`,
      );
    }
    this.events.onDriverFailure(failure, tripped, address);
  }
}
