import { zoneSpec } from '@klinik-desa/screening';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import type { ClinicServerOptions } from './server.js';

/** The config file (YAML or JSON): every `start` option, for systemd units and containers. */
/** An IANA zone name the server can read times in (checked at start, not at the first screening). */
const TimeZone = z.string().refine(
  (timeZone) => {
    try {
      zoneSpec({ timeZone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a time zone this server knows' },
);

export const ServerConfigFile = z
  .object({
    db: z.string().min(1).optional(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
    requireRegisteredKiosks: z.boolean().optional(),
    kioskEventsKeepDays: z.number().int().min(1).max(3650).optional(),
    readingsKeepMonths: z.number().int().min(1).max(1200).optional(),
    broker: z
      .object({
        url: z
          .string()
          .regex(/^(mqtts?|wss?|tcp|tls):\/\//, 'use a URL such as mqtt://127.0.0.1:1883')
          .optional(),
        port: z.number().int().min(0).max(65535).optional(),
        version: z.union([z.literal(4), z.literal(5)]).optional(),
        clientId: z.string().min(1).optional(),
        sharedGroup: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/)
          .optional(),
        username: z.string().optional(),
        /** The CA certificate (PEM) that signed the broker's TLS certificate, for an mqtts:// URL. */
        caFile: z.string().min(1).optional(),
        /** Mosquitto dynamic-security administrator (password from MQTT_ADMIN_PASSWORD). */
        adminUsername: z.string().min(1).optional(),
        /** `rabbitmq`: consume RabbitMQ's quorum queue over AMQP (the national tier). */
        transport: z.enum(['mqtt', 'rabbitmq']).optional(),
        /** amqp://user@host:5672/vhost (password from AMQP_PASSWORD, or in AMQP_URL). */
        amqpUrl: z
          .string()
          .regex(/^amqps?:\/\//, 'use a URL such as amqp://klinik-desa-ingest@127.0.0.1:5672')
          .optional(),
        amqpQueue: z.string().min(1).max(255).optional(),
        amqpPrefetch: z.number().int().min(1).max(65535).optional(),
      })
      .strict()
      .optional(),
    http: z
      .object({
        port: z.union([z.number().int().min(0).max(65535), z.literal(false)]).optional(),
        host: z.string().optional(),
        bodyLimitBytes: z.number().int().positive().optional(),
        validateResponses: z.boolean().optional(),
        tokenLifetimeSeconds: z.number().int().min(60).optional(),
        rateLimit: z
          .union([
            z.literal(false),
            z.object({ burst: z.number().positive(), perSecond: z.number().positive() }).strict(),
          ])
          .optional(),
        corsOrigins: z
          .array(z.string().regex(/^https?:\/\/[^/\s?#]+$/, 'not a web origin (scheme://host[:port])'))
          .optional(),
        /** People's sessions: seconds unused before one ends, and at most. */
        sessions: z
          .object({
            idleSeconds: z.number().int().min(60).optional(),
            absoluteSeconds: z.number().int().min(60).optional(),
          })
          .strict()
          .optional(),
        /** Wrong passwords allowed before a sign-in waits, and the window they refill over. */
        signInLimits: z
          .object({
            failures: z.number().int().min(1).optional(),
            windowSeconds: z.number().int().min(1).optional(),
            addressFailures: z.number().int().min(1).optional(),
            accountFailures: z.number().int().min(1).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    screening: z
      .object({
        bmiTable: z.enum(['ilp', 'national']).optional(),
        timeZone: TimeZone.optional(),
      })
      .strict()
      .optional(),
    report: z
      .object({
        villages: z.record(z.string().min(1), z.string().trim().min(1).max(100)).optional(),
      })
      .strict()
      .optional(),
    satusehat: z
      .object({
        environment: z.enum(['sandbox', 'production']).optional(),
        authBaseUrl: z.url().optional(),
        fhirBaseUrl: z.url().optional(),
        clientId: z.string().min(1).optional(),
        organizationId: z.string().min(1),
        location: z.object({ id: z.string().min(1), display: z.string().min(1) }).strict(),
        defaultPractitioner: z
          .object({ ihsNumber: z.string().min(1), name: z.string().optional() })
          .strict()
          .optional(),
        timeZone: TimeZone.optional(),
        maxAttempts: z.number().int().min(1).optional(),
        baseBackoffMs: z.number().int().min(1).optional(),
        maxBackoffMs: z.number().int().min(1).optional(),
        requestTimeoutMs: z.number().int().min(100).optional(),
        pollMs: z.number().int().min(10).optional(),
        checkBeforeResend: z.boolean().optional(),
        lookUpIhsNumbers: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ServerConfigFile = z.infer<typeof ServerConfigFile>;

const FIXES: Record<string, string> = {
  db: 'a SQLite file path or a postgres:// URL',
  'broker.url': 'the broker address, e.g. mqtt://127.0.0.1:1883',
  'broker.version': '4 or 5',
  'broker.transport': 'mqtt (the default) or rabbitmq',
  'broker.amqpUrl': 'the RabbitMQ address, e.g. amqp://klinik-desa-ingest@127.0.0.1:5672',
  'http.port': 'a port number, 0 for a free one, or false for no API',
  'http.corsOrigins':
    'the origins of the web pages that call the API, e.g. ["https://dashboard.example.id"]: scheme, host and port, no path or trailing slash',
  'report.villages': '{ "<clinic id>": "<village name>" }, e.g. { "klinik-1": "Sukamaju" }',
  'satusehat.organizationId': 'the organization id of your SATUSEHAT client credentials',
  'satusehat.location': '{ id: <SATUSEHAT Location id>, display: <room name> }',
  'screening.timeZone':
    'an IANA zone such as Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)',
  'satusehat.timeZone':
    'an IANA zone such as Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)',
  kioskEventsKeepDays: 'the days a kiosk event is kept, from 1 to 3650 (default 30)',
  readingsKeepMonths:
    'the months of readings kept before the current one, from 1 to 1200 (PostgreSQL only; default: every reading kept)',
  'screening.bmiTable':
    'ilp (the Asia-Pacific table of the ILP guideline, the default) or national (PGS 2014)',
};

export function parseConfigFile(text: string, path: string): ServerConfigFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      'CONFIG',
      `${path}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const result = ServerConfigFile.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      // An item of a list shares its list's fix: http.corsOrigins.1 → http.corsOrigins.
      // A village of report.villages shares the map's fix: report.villages.klinik-1 → report.villages.
      const fix =
        FIXES[key] ??
        FIXES[key.replace(/\.\d+(?=\.|$)/g, '')] ??
        (key.startsWith('report.villages.') ? FIXES['report.villages'] : undefined);
      return `${path}: ${key || '(root)'}: ${issue.message}${fix ? `; fix: set it to ${fix}` : ''}`;
    });
    throw new ConfigError('CONFIG', lines.join('\n'));
  }
  return result.data;
}

/** The command-line flags of `start`, as parsed (strings, still unchecked). */
export interface StartFlags {
  db?: string | undefined;
  broker?: string | undefined;
  brokerPort?: number | undefined;
  mqttVersion?: 4 | 5 | undefined;
  clientId?: string | undefined;
  sharedGroup?: string | undefined;
  username?: string | undefined;
  mqttAdminUser?: string | undefined;
  transport?: 'mqtt' | 'rabbitmq' | undefined;
  amqpUrl?: string | undefined;
  brokerCa?: string | undefined;
  port?: number | undefined;
  host?: string | undefined;
  requireRegisteredKiosks?: boolean | undefined;
}

/**
 * The RabbitMQ transport's options. The password comes from AMQP_PASSWORD (or AMQP_URL), never
 * from a flag or the config file.
 */
function resolveAmqp(
  flags: StartFlags,
  env: Readonly<Record<string, string | undefined>>,
  file: ServerConfigFile,
): Pick<ClinicServerOptions, 'transport' | 'amqpUrl' | 'amqpQueue' | 'amqpPrefetch'> {
  const transport = flags.transport ?? file.broker?.transport;
  if (transport !== 'rabbitmq') return transport ? { transport } : {};
  const raw = flags.amqpUrl ?? env['AMQP_URL'] ?? file.broker?.amqpUrl;
  if (!raw) {
    throw new ConfigError(
      'USAGE',
      '--transport rabbitmq needs the broker address: --amqp-url amqp://user@host:5672 (or AMQP_URL, or broker.amqpUrl), with the password in AMQP_PASSWORD',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('USAGE', `the AMQP URL "${raw}" is not a URL: use amqp://user@host:5672`);
  }
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') {
    throw new ConfigError('USAGE', `the AMQP URL must start with amqp:// or amqps://, not ${url.protocol}//`);
  }
  const password = env['AMQP_PASSWORD'];
  if (password !== undefined && !url.password) url.password = encodeURIComponent(password);
  return {
    transport,
    amqpUrl: url.toString(),
    ...(file.broker?.amqpQueue !== undefined ? { amqpQueue: file.broker.amqpQueue } : {}),
    ...(file.broker?.amqpPrefetch !== undefined ? { amqpPrefetch: file.broker.amqpPrefetch } : {}),
  };
}

/**
 * Flags win over environment variables, which win over the config file. Secrets come only from the
 * environment (MQTT_PASSWORD, SATUSEHAT_CLIENT_SECRET), never from flags that `ps` would show.
 */
export function resolveStartOptions(
  flags: StartFlags,
  env: Readonly<Record<string, string | undefined>>,
  file: ServerConfigFile,
): Omit<ClinicServerOptions, 'log'> & { logLevel?: string } {
  const db = flags.db ?? env['DATABASE_URL'] ?? file.db;
  if (!db) throw new ConfigError('USAGE', '--db <sqlite path> is required');
  const envPort = env['CLINIC_SERVER_PORT'];
  let port: number | false | undefined = flags.port ?? file.http?.port;
  if (flags.port === undefined && envPort !== undefined) {
    const n = Number(envPort);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      throw new ConfigError(
        'USAGE',
        `CLINIC_SERVER_PORT must be a whole number from 0 to 65535, not "${envPort}"`,
      );
    }
    port = n;
  }
  const brokerUrl = flags.broker ?? env['MQTT_URL'] ?? file.broker?.url;
  const version = flags.mqttVersion ?? file.broker?.version;
  const clientId = flags.clientId ?? file.broker?.clientId;
  const sharedGroup = flags.sharedGroup ?? file.broker?.sharedGroup;
  const username = flags.username ?? env['MQTT_USERNAME'] ?? file.broker?.username;
  const brokerPort = flags.brokerPort ?? file.broker?.port;
  const adminUser = flags.mqttAdminUser ?? env['MQTT_ADMIN_USERNAME'] ?? file.broker?.adminUsername;
  const adminPassword = env['MQTT_ADMIN_PASSWORD'];
  const brokerCaFile = flags.brokerCa ?? env['MQTT_CA_FILE'] ?? file.broker?.caFile;
  if (brokerCaFile !== undefined && brokerUrl === undefined) {
    throw new ConfigError(
      'USAGE',
      '--broker-ca names the CA of an external broker: give --broker mqtts://host:8883 too (the embedded broker has no TLS)',
    );
  }
  if (adminUser !== undefined && (!adminPassword || brokerUrl === undefined)) {
    throw new ConfigError(
      'USAGE',
      '--mqtt-admin-user needs an external broker (--broker) and its password in MQTT_ADMIN_PASSWORD',
    );
  }
  const host = flags.host ?? file.http?.host;
  const amqp = resolveAmqp(flags, env, file);
  const s = file.satusehat;
  let satusehat: ClinicServerOptions['satusehat'];
  if (s) {
    const satusehatClientId = env['SATUSEHAT_CLIENT_ID'] ?? s.clientId;
    const secret = env['SATUSEHAT_CLIENT_SECRET'];
    if (!satusehatClientId || !secret) {
      throw new ConfigError(
        'CONFIG',
        'satusehat: set SATUSEHAT_CLIENT_ID (or satusehat.clientId) and SATUSEHAT_CLIENT_SECRET in the environment',
      );
    }
    const { clientId: _fileClientId, ...rest } = s;
    satusehat = { ...rest, clientId: satusehatClientId, clientSecret: secret };
  }
  return {
    db,
    ...(brokerUrl !== undefined ? { brokerUrl } : {}),
    ...(brokerPort !== undefined ? { brokerPort } : {}),
    ...(version !== undefined ? { protocolVersion: version } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(sharedGroup !== undefined ? { sharedGroup } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(brokerCaFile !== undefined ? { brokerCaFile } : {}),
    ...(env['MQTT_PASSWORD'] !== undefined ? { password: env['MQTT_PASSWORD'] } : {}),
    ...(adminUser !== undefined && adminPassword
      ? { mqttAdmin: { username: adminUser, password: adminPassword } }
      : {}),
    ...amqp,
    ...(port !== undefined ? { httpPort: port } : {}),
    ...(host !== undefined ? { httpHost: host } : {}),
    ...((flags.requireRegisteredKiosks ?? file.requireRegisteredKiosks) !== undefined
      ? {
          requireRegisteredKiosks: (flags.requireRegisteredKiosks ?? file.requireRegisteredKiosks) as boolean,
        }
      : {}),
    ...(file.kioskEventsKeepDays !== undefined ? { kioskEventsKeepDays: file.kioskEventsKeepDays } : {}),
    ...(file.readingsKeepMonths !== undefined ? { readingsKeepMonths: file.readingsKeepMonths } : {}),
    ...(file.http?.bodyLimitBytes !== undefined ? { bodyLimitBytes: file.http.bodyLimitBytes } : {}),
    ...(file.http?.validateResponses !== undefined ? { validateResponses: file.http.validateResponses } : {}),
    ...(file.http?.tokenLifetimeSeconds !== undefined
      ? { tokenLifetimeSeconds: file.http.tokenLifetimeSeconds }
      : {}),
    ...(file.http?.rateLimit !== undefined ? { rateLimit: file.http.rateLimit } : {}),
    ...(file.http?.corsOrigins !== undefined ? { corsOrigins: file.http.corsOrigins } : {}),
    ...(file.http?.sessions !== undefined ? { sessionLifetimes: defined(file.http.sessions) } : {}),
    ...(file.http?.signInLimits !== undefined ? { signInLimits: defined(file.http.signInLimits) } : {}),
    ...(satusehat ? { satusehat } : {}),
    ...(file.screening ? { screening: file.screening } : {}),
    ...(file.report ? { report: file.report } : {}),
    ...(file.logLevel !== undefined ? { logLevel: file.logLevel } : {}),
  };
}

/** The fields of a config section that are set: a key left out of the file stays out of the options. */
function defined<T extends object>(section: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(section).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
