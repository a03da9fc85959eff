import { z } from 'zod';
import { ClinicId, DeviceId, KioskId } from './ids.js';
import { DeviceAddress, DeviceInfoText } from './reading.js';
import { DateTime } from './time.js';

/** `failed`: its driver was refused at start or failed too often; it stays off until the agent restarts. */
export const DeviceState = z.enum(['connecting', 'connected', 'disconnected', 'failed']);
export type DeviceState = z.infer<typeof DeviceState>;

/**
 * A device's clock as the agent last left it: `set` at `at` (kiosk time) through its Current Time
 * Service, `unsupported` (it has no Current Time Service: its clock cannot be set from here), or
 * `failed` (it refused the time; `reason` says how).
 */
export const DeviceClockStatus = z
  .object({
    state: z.enum(['set', 'unsupported', 'failed']),
    at: DateTime.optional(),
    reason: z.string().max(200).optional(),
  })
  .strict();
export type DeviceClockStatus = z.infer<typeof DeviceClockStatus>;

/** One Bluetooth device behind a gateway: its address, what it said of itself, and its clock. */
export const BehindGatewayStatus = z
  .object({
    address: DeviceAddress,
    manufacturer: DeviceInfoText.optional(),
    model: DeviceInfoText.optional(),
    serialNumber: DeviceInfoText.optional(),
    firmware: DeviceInfoText.optional(),
    clock: DeviceClockStatus.optional(),
  })
  .strict();
export type BehindGatewayStatus = z.infer<typeof BehindGatewayStatus>;

export const DeviceStatus = z
  .object({
    id: DeviceId,
    protocol: z.string(),
    state: DeviceState,
    /** The port path now in use (it may change on replug). */
    port: z.string().optional(),
    lastReadingAt: DateTime.optional(),
    readings: z.number().int().nonnegative().optional(),
    /** Decode and transport errors counted by their stable code. */
    errors: z.record(z.string(), z.number().int().nonnegative()),
    /** The Bluetooth devices behind a gateway on this port, by address, as far as the agent knows them. */
    behind: z.array(BehindGatewayStatus).max(64).optional(),
  })
  .strict();
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const OutboxStatus = z
  .object({
    /** Readings kept, not yet confirmed by the clinic. */
    depth: z.number().int().nonnegative(),
    capacity: z.number().int().positive(),
    oldestAt: DateTime.optional(),
    /** True when the outbox is near its cap: the network has been down too long. */
    nearlyFull: z.boolean(),
  })
  .strict();
export type OutboxStatus = z.infer<typeof OutboxStatus>;

/** The kiosk's disk, where its outbox lives: a full disk is a state the kiosk works through. */
export const DiskStatus = z
  .object({
    /** `low`: a warning threshold passed; `full`: new readings are not written until space is back. */
    state: z.enum(['ok', 'low', 'full']),
    freeBytes: z.number().int().nonnegative(),
    /** The outbox's files (database and WAL). */
    outboxBytes: z.number().int().nonnegative(),
    /** Streaming devices' readings held in memory, waiting for space. */
    held: z.number().int().nonnegative(),
    /** Readings dropped since the agent started, because the held ones were at their bound. */
    dropped: z.number().int().nonnegative(),
  })
  .strict();
export type DiskStatus = z.infer<typeof DiskStatus>;

/**
 * Retained on the kiosk's status topic. The broker publishes the `offline` form as the kiosk's last
 * will when its connection dies.
 */
export const KioskStatus = z
  .object({
    state: z.enum(['online', 'offline']),
    clinicId: ClinicId,
    kioskId: KioskId,
    at: DateTime,
    version: z.string().optional(),
    startedAt: DateTime.optional(),
    devices: z.array(DeviceStatus).optional(),
    outbox: OutboxStatus.optional(),
    disk: DiskStatus.optional(),
  })
  .strict();
export type KioskStatus = z.infer<typeof KioskStatus>;
