import type { ClinicClient } from '@klinik-desa/sdk/lite';
import mqtt from 'mqtt';
import { KioskClock } from './clock/kiosk-clock.js';
import type { KioskConfig } from './config/config.js';
import { type OpenPort, openPort } from './devices/port.js';
import { openSqliteOutbox } from './outbox/open-sqlite.js';
import type { Outbox } from './outbox/outbox.js';
import type { ConnectMqtt } from './publish/publisher.js';
import { clinicClient, type DamagedFile } from './screening/index.js';

/**
 * What the agent talks to, handed in the way node-serialport takes its `binding`: the real ones by
 * default, a fake device, broker, outbox or clinic in tests. The agent makes none of them itself.
 */
export interface AgentParts {
  /** Opens a device's serial port or `tcp://` address. */
  openPort: OpenPort;
  /** Makes the broker connection (it connects at once, as `mqtt.connect` does). */
  connectMqtt: ConnectMqtt;
  /**
   * Opens the durable outbox named in kiosk.yaml; a file it cannot read is set aside and reported,
   * a write that fails for lack of space is reported to `onNoSpace` (see `SqliteOutboxOptions`).
   * `now` is the clock its ages are counted on (the kiosk clock's `timeline`).
   */
  openOutbox: (
    config: KioskConfig['outbox'],
    onDamaged: (damaged: DamagedFile) => void,
    now?: () => number,
    onNoSpace?: (error: unknown) => void,
  ) => Outbox;
  /** The kiosk's sense of time (checked against the clinic's); tests hand in one on a fake clock. */
  makeClock: () => KioskClock;
  /** The SDK client of the clinic API, or undefined when the kiosk has none configured. */
  clinicClient: (config: KioskConfig) => ClinicClient | undefined;
}

export const REAL_PARTS: AgentParts = {
  openPort,
  connectMqtt: (url, options) => mqtt.connect(url, options),
  openOutbox: (config, onDamaged, now, onNoSpace) =>
    openSqliteOutbox(
      config.path,
      {
        capacity: config.capacity,
        keepReceivedMs: config.keepReceivedDays * 24 * 3600 * 1000,
        ...(now ? { now } : {}),
        ...(onNoSpace ? { onNoSpace } : {}),
      },
      onDamaged,
    ),
  makeClock: () => new KioskClock(),
  clinicClient,
};
