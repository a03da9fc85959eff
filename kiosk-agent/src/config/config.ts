import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ClinicId, DeviceId, KioskId, READINGS_PER_MESSAGE_MAX } from '@klinik-desa/protocol';
import { zoneSpec } from '@klinik-desa/screening';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AgentError } from '../errors.js';
import { PIN_HASH } from './page-pin.js';

/** The kiosk's config file is wrong: every problem is listed with its key and how to fix it. */
export class ConfigError extends AgentError {
  override readonly name = 'ConfigError';
  override readonly code = 'BAD_CONFIG';
  override readonly retryable = false;
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

const UsbId = z.string().regex(/^[0-9a-fA-F]{4}$/, 'use the 4 hex digits the system shows, e.g. "0403"');

const DeviceConfig = z
  .object({
    id: DeviceId,
    protocol: z.string().min(1),
    /** A serial port path (`/dev/ttyUSB0`, best a stable `/dev/serial/by-id/...` alias) or `tcp://host:port`. */
    port: z.string().min(1).optional(),
    /** Find the port by USB ids instead, wherever the kernel puts it after a replug. */
    usb: z
      .object({ vendorId: UsbId, productId: UsbId, serialNumber: z.string().min(1).optional() })
      .strict()
      .optional(),
    baudRate: z.number().int().positive().optional(),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).optional(),
    parity: z.enum(['none', 'even', 'odd']).optional(),
    stopBits: z.union([z.literal(1), z.literal(2)]).optional(),
    /** Options of the protocol's dialogue (e.g. the BLE gateway's device list); see the devices README. */
    dialogue: z.record(z.string(), z.unknown()).optional(),
    /** Reopen the port when it has been silent this long (for devices that stream all the time). */
    silenceTimeoutSeconds: z.number().positive().optional(),
  })
  .strict()
  .refine((d) => d.port !== undefined || d.usb !== undefined, {
    message: 'give the device a port or usb ids',
    path: ['port'],
  });

const PageLockConfig = z
  .object({
    /** Written by `kiosk-agent set-pin`; the PIN itself is never kept. Without it the page stays locked. */
    pinHash: z.string().regex(PIN_HASH, 'not a hash written by `kiosk-agent set-pin`').optional(),
    /** Minutes without use after which the page locks (fractions allowed, for tests). */
    lockAfterMinutes: z.number().positive().max(60).default(3),
  })
  .strict();

const DISK_DEFAULTS = {
  reserveMb: 4,
  warnFreeMb: 64,
  warnOutboxMb: 512,
  holdReadings: 500,
  checkSeconds: 30,
  askAgainSeconds: 20,
};

/** The outbox's disk: when to warn, what to keep free, what to do while it is full (deployment.md). */
const DiskConfig = z
  .object({
    /** Kept free beside the outbox (`<outbox>.reserve`) for receipts, pruning and the state file. */
    reserveMb: z.number().min(0).default(DISK_DEFAULTS.reserveMb),
    /** Warn (status, event, page) below this much free space. */
    warnFreeMb: z.number().positive().default(DISK_DEFAULTS.warnFreeMb),
    /** Warn once the outbox's files are this large. */
    warnOutboxMb: z.number().positive().default(DISK_DEFAULTS.warnOutboxMb),
    /** A streaming device's readings held in memory at most while the disk is full; more are dropped and counted. */
    holdReadings: z.number().int().min(0).default(DISK_DEFAULTS.holdReadings),
    /** How often free space is looked at (sooner, with backoff, while the disk is full). */
    checkSeconds: z.number().positive().default(DISK_DEFAULTS.checkSeconds),
    /** How long a meter whose records could not be kept is left alone before it is asked again. */
    askAgainSeconds: z.number().positive().default(DISK_DEFAULTS.askAgainSeconds),
  })
  .strict();

function isTimeZone(timeZone: string): boolean {
  try {
    zoneSpec({ timeZone });
    return true;
  } catch {
    return false;
  }
}

export const KioskConfig = z
  .object({
    kiosk: z
      .object({
        id: KioskId,
        clinicId: ClinicId,
        /** IANA zone of the kiosk; device clocks without a zone are read in it. */
        timeZone: z
          .string()
          .refine(isTimeZone, { message: 'not a time zone this system knows' })
          .default('Asia/Jakarta'),
      })
      .strict(),
    mqtt: z
      .object({
        url: z.string().regex(/^(mqtts?|tcp|tls|wss?):\/\/[^\s]+$/),
        protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
        username: z.string().optional(),
        password: z.string().optional(),
        passwordFile: z.string().optional(),
        /** The CA certificate (PEM) that signed an mqtts:// broker's certificate; the system's CAs without it. */
        caFile: z.string().min(1).optional(),
        /** A published reading without a receipt after this long is sent again. */
        receiptTimeoutSeconds: z.number().positive().default(30),
        /** Messages published and not yet acknowledged by the broker, at most. */
        maxInFlight: z.number().int().min(1).max(1000).default(50),
        /**
         * Readings per message at most, when several wait (after an outage, during a memory dump):
         * fewer packets and acknowledgements for the kiosk, the broker and the clinic. 1 sends
         * every reading alone, as clinic servers before batches require.
         */
        maxBatch: z.number().int().min(1).max(READINGS_PER_MESSAGE_MAX).default(50),
        reconnectMinMs: z.number().int().min(10).default(500),
        reconnectMaxMs: z.number().int().min(100).default(60_000),
      })
      .strict(),
    outbox: z
      .object({
        path: z.string().min(1),
        /** Readings kept at most (confirmed ones are pruned first; unconfirmed ones never are). */
        capacity: z.number().int().min(100).default(100_000),
        /** Days a confirmed reading stays for the kiosk page and duplicate recognition. */
        keepReceivedDays: z.number().positive().default(7),
        disk: DiskConfig.default(DISK_DEFAULTS),
      })
      .strict(),
    /** The local API for the kiosk page: loopback only. Port 0 picks a free one. */
    http: z
      .object({
        host: z.enum(['127.0.0.1', '::1', 'localhost']).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8710),
        /**
         * The page's lock. It sits under `http` because the local API enforces it: patient look-ups
         * and screening changes answer only a page unlocked with the health worker's PIN.
         */
        page: PageLockConfig.default({ lockAfterMinutes: 3 }),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8710, page: { lockAfterMinutes: 3 } }),
    /**
     * Vendor driver packages to load: package names installed beside kiosk.yaml or beside the agent,
     * or paths relative to kiosk.yaml. Their protocols are then usable in `devices`.
     */
    drivers: z.array(z.string().min(1)).default([]),
    devices: z.array(DeviceConfig).min(1),
    /** The clinic API, to open and finish screenings there (the kiosk's API credentials). */
    clinicApi: z
      .object({
        baseUrl: z.string().regex(/^https?:\/\/[^\s]+$/),
        clientId: z.string().min(1),
        clientSecret: z.string().min(1).optional(),
        clientSecretFile: z.string().min(1).optional(),
      })
      .strict()
      .refine((a) => a.clientSecret !== undefined || a.clientSecretFile !== undefined, {
        message: 'give clientSecret or clientSecretFile',
        path: ['clientSecretFile'],
      })
      .optional(),
    /** Which Kemenkes BMI table classifies (sources disagree on which the free health check uses). */
    screening: z
      .object({ bmiTable: z.enum(['ilp', 'national']).default('ilp') })
      .strict()
      .default({ bmiTable: 'ilp' }),
    /** Where the kernel's files are; only containers and tests change these. */
    system: z
      .object({ sysfsRoot: z.string().default('/sys'), devRoot: z.string().default('/dev') })
      .strict()
      .default({ sysfsRoot: '/sys', devRoot: '/dev' }),
  })
  .strict();
export type KioskConfig = z.infer<typeof KioskConfig>;
export type DeviceConfig = z.infer<typeof DeviceConfig>;

/** How to fix a key, for the person editing kiosk.yaml on a kiosk. */
const FIXES: [RegExp, string][] = [
  [
    /^kiosk\.id$/,
    'set it to this kiosk\'s id as registered at the clinic, e.g. "kiosk-1" (letters, digits, - or _)',
  ],
  [
    /^kiosk\.timeZone$/,
    "use the IANA name of the kiosk's zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)",
  ],
  [/^kiosk\.clinicId$/, 'set it to the clinic id as registered, e.g. "kdmp-3201-001"'],
  [
    /^mqtt\.url$/,
    'set it to the broker address, e.g. "mqtt://192.168.1.10:1883" or "mqtts://broker.example:8883"',
  ],
  [/^mqtt\.maxInFlight$/, 'a whole number of messages from 1 to 1000, e.g. 50'],
  [
    /^mqtt\.maxBatch$/,
    `a whole number of readings per message from 1 to ${READINGS_PER_MESSAGE_MAX}, e.g. 50; 1 for a clinic server that takes single readings only`,
  ],
  [/^mqtt\.protocolVersion$/, 'use 5 for Mosquitto or EMQX, 4 for the embedded broker of clinic-server'],
  [/^outbox\.path$/, 'set it to a file path on persistent storage, e.g. "/var/lib/klinik-desa/outbox.db"'],
  [/^outbox\.capacity$/, 'a whole number of readings, at least 100, e.g. 100000'],
  [
    /^screening\.bmiTable$/,
    'use ilp (WHO Asia-Pacific, the default) or national (Pedoman Gizi Seimbang 2014)',
  ],
  [/^clinicApi\.baseUrl$/, 'the clinic API address, e.g. "https://clinic.example.id"'],
  [/^clinicApi\.clientSecretFile$/, "point it at a file (mode 0600) holding the kiosk's API client secret"],
  [/^http\.host$/, 'the local API listens on loopback only: 127.0.0.1, ::1 or localhost'],
  [/^http\.port$/, 'a port number for the local API, e.g. 8710, or 0 for a free one'],
  [
    /^http\.page\.pinHash$/,
    'run `kiosk-agent set-pin --config kiosk.yaml`: it asks for the PIN and writes its hash here',
  ],
  [/^http\.page\.lockAfterMinutes$/, 'minutes without use before the page locks, e.g. 3 (at most 60)'],
  [
    /^drivers(\.\d+)?$/,
    'list driver packages installed beside the agent, or paths relative to kiosk.yaml, e.g. drivers: ["@timbang/ts200", "./drivers/my-scale"]',
  ],
  [/^devices$/, 'list at least one device: - { id: scale-1, protocol: ad-scale, port: /dev/ttyUSB0 }'],
  [/^devices\.\d+\.id$/, 'give the device a short id, e.g. "scale-1" (letters, digits, - or _)'],
  [/^devices\.\d+\.protocol$/, 'use a protocol id from `kiosk-agent protocols`, e.g. "ad-scale"'],
  [
    /^devices\.\d+\.port$/,
    'set it to the serial port (see `kiosk-agent ports`), e.g. "/dev/ttyUSB0", or tcp://host:port',
  ],
  [
    /^devices\.\d+\.usb\.(vendorId|productId)$/,
    'copy the ids from `kiosk-agent ports`, e.g. vendorId: "0403", productId: "6001"',
  ],
  [/^devices\.\d+\.baudRate$/, "set it to the device's baud rate as a number, e.g. 9600"],
  [/^devices\.\d+\.dataBits$/, 'use 7 or 8'],
  [/^devices\.\d+\.parity$/, 'use none, even or odd'],
  [/^devices\.\d+\.stopBits$/, 'use 1 or 2'],
];

function keyOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const base = keyOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((k) => {
        const key = base ? `${base}.${k}` : k;
        return `${key}: unknown key; remove it or check its spelling`;
      })
      .join('\n');
  }
  const key = base || '(top level)';
  const fix = FIXES.find(([pattern]) => pattern.test(base))?.[1];
  const what =
    issue.code === 'invalid_type' && issue.message.includes('received undefined')
      ? 'is missing'
      : issue.message;
  return fix ? `${key}: ${what}; fix: ${fix}` : `${key}: ${what}`;
}

/** Validates a parsed config object; paths inside it are resolved against `baseDir`. */
export function parseConfig(raw: unknown, baseDir = process.cwd()): KioskConfig {
  const result = KioskConfig.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => describeIssue(i).split('\n'));
    throw new ConfigError(
      `the kiosk config has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
      problems,
    );
  }
  const config = result.data;
  const ids = new Set<string>();
  const problems: string[] = [];
  config.devices.forEach((d, i) => {
    if (ids.has(d.id))
      problems.push(`devices.${i}.id: "${d.id}" is used twice; fix: give every device its own id`);
    ids.add(d.id);
  });
  if (problems.length > 0)
    throw new ConfigError(
      `the kiosk config has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
      problems,
    );
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  config.outbox.path = config.outbox.path === ':memory:' ? ':memory:' : abs(config.outbox.path);
  if (config.mqtt.passwordFile) config.mqtt.passwordFile = abs(config.mqtt.passwordFile);
  if (config.mqtt.caFile) config.mqtt.caFile = abs(config.mqtt.caFile);
  if (config.clinicApi?.clientSecretFile)
    config.clinicApi.clientSecretFile = abs(config.clinicApi.clientSecretFile);
  return config;
}

export function loadConfig(path: string): KioskConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseConfig(raw, dirname(resolve(path)));
}

/**
 * The broker's CA certificate (`mqtt.caFile`), read at start so that a wrong path is named at
 * once instead of showing as a TLS error on every reconnect.
 */
export function brokerCa(config: KioskConfig): Buffer | undefined {
  if (config.mqtt.caFile === undefined) return undefined;
  let pem: Buffer;
  try {
    pem = readFileSync(config.mqtt.caFile);
  } catch (error) {
    throw new ConfigError(
      `mqtt.caFile: cannot read ${config.mqtt.caFile} (${(error as NodeJS.ErrnoException).code}); fix: copy the CA certificate (PEM) of the clinic's broker there or correct the path`,
    );
  }
  if (!pem.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(
      `mqtt.caFile: ${config.mqtt.caFile} holds no PEM certificate; fix: give the CA certificate ("-----BEGIN CERTIFICATE-----"), not a key`,
    );
  }
  return pem;
}

/** The broker password: from the config, or from a file (the safer place: mode 0600, not in git). */
export function brokerPassword(config: KioskConfig): string | undefined {
  if (config.mqtt.password !== undefined) return config.mqtt.password;
  if (config.mqtt.passwordFile === undefined) return undefined;
  try {
    return readFileSync(config.mqtt.passwordFile, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(
      `mqtt.passwordFile: cannot read ${config.mqtt.passwordFile} (${(error as NodeJS.ErrnoException).code}); fix: create it or correct the path`,
    );
  }
}
