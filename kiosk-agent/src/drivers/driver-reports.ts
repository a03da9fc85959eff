import type { KioskEvent } from '@klinik-desa/protocol';
import type { Logger } from '../logger.js';
import { DecodeErrorTally } from '../status/decode-error-tally.js';
import type { DriverFailure } from './frame-decoder.js';
import type { DriverRefusedError } from './load-drivers.js';

type DriverEvent = Pick<KioskEvent, 'type' | 'deviceId' | 'code' | 'count' | 'message'>;

/**
 * What the clinic hears about vendor drivers: each refusal once the broker is first there (events
 * are not kept while it is away), failures summed per device and code like decode errors, and a
 * device going off at once.
 */
export class DriverReports {
  private readonly failures = new DecodeErrorTally();
  private refusalsSent = false;

  constructor(
    private readonly refused: readonly DriverRefusedError[],
    private readonly send: (event: DriverEvent) => void,
  ) {}

  /** One line each in the log at start: the driver, why, and the fix. */
  logRefusals(log: Logger): void {
    for (const refusal of this.refused)
      log.error({ driver: refusal.spec, code: refusal.reason }, refusal.message);
  }

  brokerConnected(): void {
    if (this.refusalsSent) return;
    this.refusalsSent = true;
    for (const refusal of this.refused)
      this.send({
        type: 'driver-failed',
        code: 'DRIVER_REFUSED',
        count: 1,
        message: refusal.message.slice(0, 1000),
      });
  }

  failed(deviceId: string, failure: DriverFailure, deviceOff: boolean): void {
    this.failures.add(deviceId, failure.code);
    if (deviceOff) this.flush(`driver ${failure.driverId}: ${failure.message}; device off`.slice(0, 1000));
  }

  /** Sends what was counted since the last flush. */
  flush(message?: string): void {
    for (const { deviceId, code, count } of this.failures.drain())
      this.send({ type: 'driver-failed', deviceId, code, count, ...(message ? { message } : {}) });
  }
}
