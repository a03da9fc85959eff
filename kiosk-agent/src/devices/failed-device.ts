import type { DeviceStatus } from '@klinik-desa/protocol';
import type { DeviceConfig } from '../config/config.js';

/**
 * A configured device that cannot run because its driver was refused at start: shown as failed in
 * the status (with the refusal counted under its code), never opened, so the others go on.
 */
export class FailedDevice {
  readonly status: DeviceStatus;

  constructor(config: DeviceConfig, code: string) {
    this.status = {
      id: config.id,
      protocol: config.protocol,
      state: 'failed',
      readings: 0,
      errors: { [code]: 1 },
    };
    if (config.port) this.status.port = config.port;
  }

  start(): void {}

  async stop(): Promise<void> {}
}
