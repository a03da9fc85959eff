import { randomBytes } from 'node:crypto';
import { type ApiApp, type ApiOptions, buildApi } from './api/app.js';
import { type BrokerAuth, type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
import { EVERY_CLINIC } from './domain/access.js';
import { parseKioskUsername } from './domain/acl.js';
import type { DerivedOptions } from './domain/derived.js';
import { ConfigError } from './errors.js';
import { type FleetThresholds, fleetThresholds, registerFleetMetrics } from './fleet/index.js';
import { Forwarder, type ForwarderConfig } from './forwarder/forwarder.js';
import { Ingest } from './ingest/index.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { readBrokerCa } from './mqtt/broker-ca.js';
import { DynsecAdmin } from './mqtt/dynsec-admin.js';
import { refuseRetentionWithoutPartitions, startPartitionUpkeep } from './partition-upkeep.js';
import { isPostgresUrl, openStore } from './store/open.js';
import type { SqlClinicStore } from './store/sql-store.js';
import type { ClinicStore, FleetStore, KioskActivityStore, KioskStore, RecordUpkeep } from './store/store.js';
import { describeTrouble } from './store/store-condition.js';
import {
  AmqpTransport,
  connectIngestClient,
  type IngestTransport,
  MqttTransport,
} from './transport/index.js';

export interface ClinicServerOptions {
  /** The clinic record: a SQLite file path, or a postgres:// URL. */
  db: string;
  /** An external broker (Mosquitto, EMQX). Without it the server embeds one. */
  brokerUrl?: string;
  /** Port of the embedded broker: a number, or 0 for a free one. Default: 1883, or a free port if taken. */
  brokerPort?: number;
  /** MQTT version towards an external broker; the embedded one speaks 3.1.1 (4) only. */
  protocolVersion?: 4 | 5;
  username?: string;
  password?: string;
  /**
   * The CA certificate file (PEM) the external broker's TLS certificate is checked against, for
   * an mqtts:// broker signed by the operator's own CA. Without it, the system's CAs.
   */
  brokerCaFile?: string;
  /**
   * The administrator login of Mosquitto's dynamic security plugin on the external broker: with
   * it, a revoked kiosk's live connection is closed at once (`disableClient`).
   */
  mqttAdmin?: { username: string; password: string };
  /**
   * `mqtt` (default: the embedded broker or `brokerUrl`) or `rabbitmq`: kiosks speak MQTT to
   * RabbitMQ's MQTT plugin and the server consumes a quorum queue over AMQP at `amqpUrl`.
   */
  transport?: 'mqtt' | 'rabbitmq';
  /** amqp://user:password@host:5672/vhost, with `transport: 'rabbitmq'`. */
  amqpUrl?: string;
  /** The quorum queue the ingest workers share (default klinik-desa.ingest). */
  amqpQueue?: string;
  /** Unacknowledged deliveries one worker holds at most (default 2000). */
  amqpPrefetch?: number;
  /** Persistent-session client id; several ingest processes need different ones. */
  clientId?: string;
  /** Shared-subscription group (MQTT 5 brokers) so several processes split the readings. */
  sharedGroup?: string;
  /** Port of the clinic API: a number, 0 for a free one, or `false` for no API. Default 8080, or a free port if taken. */
  httpPort?: number | false;
  /** Address the API listens on (default 127.0.0.1; 0.0.0.0 for the clinic's network). */
  httpHost?: string;
  /**
   * Refuse readings of unregistered kiosks even while no kiosk is registered (an external broker
   * only; the embedded broker lets no unregistered kiosk connect).
   */
  requireRegisteredKiosks?: boolean;
  /** Send finished screenings to SATUSEHAT. */
  satusehat?: ForwarderConfig;
  /** How the BMI and mean blood pressure computed on finishing a screening are classified. */
  screening?: DerivedOptions;
  /** The quarterly report: the village of each clinic id, for the village sections. */
  report?: { villages?: Readonly<Record<string, string>> | undefined };
  tokenLifetimeSeconds?: number;
  rateLimit?: { burst: number; perSecond: number } | false;
  /** Web origins whose pages may call the API from a browser (CORS); default none. */
  corsOrigins?: readonly string[];
  /** People's sessions: how long unused, and at most (default 30 minutes and 12 hours). */
  sessionLifetimes?: ApiOptions['sessionLifetimes'];
  /** Wrong passwords before a sign-in waits (default 5 per username and address per 15 minutes). */
  signInLimits?: ApiOptions['signInLimits'];
  bodyLimitBytes?: number;
  /** Check each API response against its schema before sending (default false; tests turn it on). */
  validateResponses?: boolean;
  /** Readings committed per transaction at most. */
  maxBatch?: number;
  /** Days a kiosk event is kept, counted from when the server received it (default 30). */
  kioskEventsKeepDays?: number;
  /** When the fleet view's facts become alerts, in the API and in the metrics. */
  fleetThresholds?: Partial<FleetThresholds>;
  /**
   * PostgreSQL only: readings are kept for the current month and this many months before it (by
   * the month their id was made), then their month's partition is dropped whole. Default: kept.
   */
  readingsKeepMonths?: number;
  log?: Logger;
}

export interface ClinicServer {
  readonly brokerUrl: string;
  readonly embeddedBroker: EmbeddedBroker | undefined;
  /** The clinic API's base URL, e.g. http://127.0.0.1:8080 (undefined with `httpPort: false`). */
  readonly httpUrl: string | undefined;
  readonly api: ApiApp | undefined;
  readonly store: ClinicStore;
  readonly ingest: Ingest;
  readonly forwarder: Forwarder | undefined;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

/** The database as it may be logged: a PostgreSQL URL without its password. */
export function describeDb(db: string): string {
  return isPostgresUrl(db) ? withoutPassword(db, 'postgres') : db;
}

/** A URL as it may be logged: its password, if any, replaced by `***`. */
function withoutPassword(text: string, scheme: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return `${scheme}://(unparsable URL)`;
  }
}

async function embed(port: number | undefined, auth: BrokerAuth, log: Logger): Promise<EmbeddedBroker> {
  if (port !== undefined) return startEmbeddedBroker({ port, auth });
  try {
    return await startEmbeddedBroker({ port: 1883, auth });
  } catch (error) {
    if (!(error instanceof ConfigError) || error.code !== 'PORT_TAKEN') throw error;
    log.warn('port 1883 is taken (another broker?): the embedded broker takes a free port instead');
    return startEmbeddedBroker({ port: 0, auth });
  }
}

async function listen(api: ApiApp, port: number | undefined, host: string, log: Logger): Promise<string> {
  const tryPort = async (p: number) => {
    try {
      return await api.listen({ port: p, host });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new ConfigError(
          'PORT_TAKEN',
          `HTTP port ${p} on ${host} is already in use: choose another with --port, or 0 for a free one`,
        );
      }
      throw error;
    }
  };
  if (port !== undefined) return tryPort(port);
  try {
    return await tryPort(8080);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.warn('port 8080 is taken: the clinic API takes a free port instead');
    return tryPort(0);
  }
}

/**
 * Kiosks revoked by another process (`clinic-server client revoke`, another server on the same
 * record) are found by comparing the registry every 2 s, and disabled on the broker.
 */
function sweepRevokedKiosks(
  store: Pick<KioskStore, 'kioskSecrets'>,
  dynsec: DynsecAdmin,
  log: Logger,
): () => void {
  let known: Set<string> | undefined;
  let running = false;
  const sweep = async () => {
    const now = new Set((await store.kioskSecrets()).map((k) => k.username));
    const gone = known ? [...known].filter((u) => !now.has(u)) : [];
    known = now;
    for (const username of gone) await dynsec.disable(username);
  };
  const tick = () => {
    if (running) return;
    running = true;
    sweep()
      .catch((error: unknown) => log.error({ err: error }, 'could not compare the kiosk registry'))
      .finally(() => {
        running = false;
      });
  };
  tick();
  const timer = setInterval(tick, 2000);
  timer.unref();
  return () => clearInterval(timer);
}

/** How often expired tokens, day-old idempotency keys and old kiosk events are deleted. */
export const PURGE_EVERY_MS = 10 * 60 * 1000;
/** A replay is answered for a day; after that the kept (sealed) answer is deleted. */
export const IDEMPOTENCY_KEEP_MS = 24 * 3600 * 1000;
/** Kiosk events are the operator's recent history, not a record: a month by default. */
export const KIOSK_EVENTS_KEEP_DAYS = 30;

/**
 * Deletes expired tokens, day-old idempotency keys and kiosk events older than their keeping time
 * at start and every `everyMs`: what is not needed any more is not kept. A failure is logged and
 * tried again at the next turn; the returned function stops the timer and waits for a purge under
 * way.
 */
export function startPurging(
  store: Pick<RecordUpkeep, 'purge'> & Pick<KioskActivityStore, 'pruneKioskEvents'>,
  log: Logger,
  options: { everyMs?: number; kioskEventsKeepDays?: number } = {},
): () => Promise<void> {
  const everyMs = options.everyMs ?? PURGE_EVERY_MS;
  const eventsKeepMs = (options.kioskEventsKeepDays ?? KIOSK_EVENTS_KEEP_DAYS) * 24 * 3600 * 1000;
  let running: Promise<void> = Promise.resolve();
  const purge = () => {
    const now = Date.now();
    const tokens = store
      .purge(new Date(now).toISOString(), new Date(now - IDEMPOTENCY_KEEP_MS).toISOString())
      .catch((error: unknown) =>
        log.error({ err: error }, 'purging expired tokens and idempotency keys failed'),
      );
    const events = store
      .pruneKioskEvents(new Date(now - eventsKeepMs).toISOString())
      .then((pruned) => {
        if (pruned > 0) log.info({ pruned }, `deleted ${pruned} kiosk events past their keeping time`);
      })
      .catch((error: unknown) => log.error({ err: error }, 'deleting old kiosk events failed'));
    running = Promise.all([tokens, events]).then(() => undefined);
  };
  purge();
  const timer = setInterval(purge, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** The ingest's login on an external broker: the operator's user, password and CA, as given. */
function externalLogin(
  options: Pick<ClinicServerOptions, 'username' | 'password'>,
  ca: Buffer | undefined,
): { username?: string; password?: string; ca?: Buffer } {
  return {
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(ca ? { ca } : {}),
  };
}

/** The clinic API as the server runs it: told of kiosk credentials and revocations, and of finished screenings. */
function apiOptions(parts: {
  options: ClinicServerOptions;
  store: ClinicStore;
  log: Logger;
  metrics: Metrics;
  connected: IngestTransport;
  forwarder: Forwarder | undefined;
  dynsec: DynsecAdmin | undefined;
  embedded: EmbeddedBroker | undefined;
}): ApiOptions {
  const { options, store, log, metrics, connected, forwarder: fwd, dynsec, embedded } = parts;
  return {
    store,
    log,
    metrics,
    ...(options.tokenLifetimeSeconds !== undefined
      ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds }
      : {}),
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
    ...(options.corsOrigins !== undefined ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.sessionLifetimes !== undefined ? { sessionLifetimes: options.sessionLifetimes } : {}),
    ...(options.signInLimits !== undefined ? { signInLimits: options.signInLimits } : {}),
    ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    validateResponses: options.validateResponses ?? false,
    ...(options.fleetThresholds !== undefined ? { fleetThresholds: options.fleetThresholds } : {}),
    ...(options.report ? { report: options.report } : {}),
    screening: {
      ...options.screening,
      timeZone: options.screening?.timeZone ?? options.satusehat?.timeZone,
    },
    onKioskCredentials: async (clinicId, kioskId, secret, rotated) => {
      // The registration stands even when the broker cannot be told: the operator then runs
      // `clinic-server mosquitto-config` again, as the error says.
      await dynsec?.kioskCredentials(clinicId, kioskId, secret, rotated).catch((error: unknown) => {
        log.error(
          { err: error, clinicId, kioskId },
          'could not give Mosquitto the kiosk credentials: write its configuration again with clinic-server mosquitto-config',
        );
      });
    },
    onClientRevoked: (clientId: string) => {
      if (!parseKioskUsername(clientId)) return;
      embedded?.disconnect(clientId);
      dynsec?.disable(clientId).catch((error: unknown) => {
        log.error({ err: error, clientId }, 'could not disable a revoked kiosk on the broker');
      });
    },
    ...(fwd ? { fhirBundle: (id: string) => fwd.bundleFor(id), onScreeningFinished: () => fwd.kick() } : {}),
    readiness: async () => {
      const checks: Record<string, string> = {};
      try {
        await store.ping();
        const trouble = await store.trouble();
        checks['store'] = trouble ? describeTrouble(trouble) : 'ok';
      } catch (error) {
        checks['store'] = `unreachable (${(error as Error).message})`;
      }
      checks['broker'] = connected.connected() ? 'ok' : 'not connected';
      return checks;
    },
  };
}

/** What the ingest listens to, and what comes with it on an MQTT broker. */
interface BrokerLink {
  transport: IngestTransport;
  brokerUrl: string;
  embedded: EmbeddedBroker | undefined;
  dynsec: DynsecAdmin | undefined;
  stopSweep: (() => void) | undefined;
}

/** Purging and readings partition upkeep, both on their schedules; the function stops both. */
function startUpkeep(
  store: SqlClinicStore,
  log: Logger,
  options: Pick<ClinicServerOptions, 'kioskEventsKeepDays' | 'readingsKeepMonths'>,
): () => Promise<void> {
  const stopPurging = startPurging(
    store,
    log,
    options.kioskEventsKeepDays !== undefined ? { kioskEventsKeepDays: options.kioskEventsKeepDays } : {},
  );
  const stopPartitionUpkeep = startPartitionUpkeep(store, log, { keepMonths: options.readingsKeepMonths });
  return () => Promise.all([stopPurging(), stopPartitionUpkeep()]).then(() => undefined);
}

/**
 * Opens the transport the options choose: RabbitMQ over AMQP, an external MQTT broker (with
 * Mosquitto's dynamic security when `mqttAdmin` is given), or the embedded broker.
 */
async function connectBroker(
  options: ClinicServerOptions,
  store: SqlClinicStore,
  log: Logger,
): Promise<BrokerLink> {
  if (options.transport === 'rabbitmq') {
    if (!options.amqpUrl) {
      throw new ConfigError(
        'USAGE',
        'the rabbitmq transport needs --amqp-url amqp://user@host:5672 (or AMQP_URL)',
      );
    }
    const transport = await AmqpTransport.connect({
      url: options.amqpUrl,
      log,
      ...(options.amqpQueue ? { topology: { queue: options.amqpQueue } } : {}),
      ...(options.amqpPrefetch !== undefined ? { prefetch: options.amqpPrefetch } : {}),
    });
    const brokerUrl = withoutPassword(options.amqpUrl, 'amqp');
    return { transport, brokerUrl, embedded: undefined, dynsec: undefined, stopSweep: undefined };
  }
  let embedded: EmbeddedBroker | undefined;
  let dynsec: DynsecAdmin | undefined;
  let stopSweep: (() => void) | undefined;
  // The server's own account on the embedded broker: made up per run, never leaves the process.
  const ingestAccount = { username: 'klinik-desa-ingest', password: randomBytes(24).toString('base64url') };
  try {
    if (!options.brokerUrl) {
      embedded = await embed(
        options.brokerPort,
        {
          ingest: ingestAccount,
          log,
          async kioskSecretHash(username) {
            const c = await store.getClient(username);
            return c?.role === 'kiosk' && !c.revokedAt ? c.secretHash : undefined;
          },
        },
        log,
      );
      log.info({ url: embedded.url }, `embedded MQTT broker (MQTT 3.1.1) listening on ${embedded.url}`);
    }
    const brokerUrl = options.brokerUrl ?? (embedded as EmbeddedBroker).url;
    const protocolVersion = embedded ? 4 : (options.protocolVersion ?? 5);
    const ca = options.brokerCaFile !== undefined ? readBrokerCa(options.brokerCaFile) : undefined;
    if (options.brokerUrl && options.mqttAdmin) {
      dynsec = await DynsecAdmin.connect({
        url: brokerUrl,
        protocolVersion,
        log,
        ...options.mqttAdmin,
        ...(ca ? { ca } : {}),
      });
      stopSweep = sweepRevokedKiosks(store, dynsec, log);
      log.info('dynamic security: revoked kiosks are disconnected from the broker');
    }
    const credentials = embedded ? ingestAccount : externalLogin(options, ca);
    const client = await connectIngestClient(brokerUrl, protocolVersion, credentials, options.clientId, log);
    const transport = new MqttTransport(client, log, options.sharedGroup);
    return { transport, brokerUrl, embedded, dynsec, stopSweep };
  } catch (error) {
    stopSweep?.();
    await dynsec?.close().catch(() => undefined);
    await embedded?.close();
    throw error;
  }
}

/** The fleet gauges on /metrics, read from the record at scrape time with the API's thresholds. */
function watchFleet(metrics: Metrics, store: FleetStore, given: Partial<FleetThresholds> | undefined): void {
  registerFleetMetrics({
    registry: metrics.registry,
    now: () => new Date(),
    thresholds: fleetThresholds(given),
    facts: () =>
      store.fleetFacts({ recentSince: new Date(Date.now() - 24 * 3600 * 1000).toISOString() }, EVERY_CLINIC),
  });
}

export async function startClinicServer(options: ClinicServerOptions): Promise<ClinicServer> {
  const log = options.log ?? createLogger();
  const metrics = new Metrics();
  refuseRetentionWithoutPartitions(options.db, options.readingsKeepMonths);
  const store: SqlClinicStore = await openStore(options.db);
  watchFleet(metrics, store, options.fleetThresholds);
  let embedded: EmbeddedBroker | undefined;
  let transport: IngestTransport | undefined;
  let api: ApiApp | undefined;
  let forwarder: Forwarder | undefined;
  let ingest: Ingest | undefined;
  let dynsec: DynsecAdmin | undefined;
  let stopSweep: (() => void) | undefined;
  let stopPurging: (() => Promise<void>) | undefined;
  try {
    const requireRegistered = options.requireRegisteredKiosks ?? false;
    const broker = await connectBroker(options, store, log);
    ({ embedded, dynsec, stopSweep } = broker);
    const { brokerUrl } = broker;
    const connected = broker.transport;
    transport = connected;
    ingest = new Ingest({
      transport: connected,
      store,
      log,
      metrics,
      requireRegisteredKiosks: requireRegistered,
      ...(options.maxBatch !== undefined ? { maxBatch: options.maxBatch } : {}),
    });
    await ingest.start();

    if (options.satusehat) {
      forwarder = new Forwarder({ store, log, metrics, config: options.satusehat });
      forwarder.start();
    }

    let httpUrl: string | undefined;
    if (options.httpPort !== false) {
      const fwd = forwarder;
      api = await buildApi(
        apiOptions({ options, store, log, metrics, connected, forwarder: fwd, dynsec, embedded }),
      );
      httpUrl = await listen(api, options.httpPort, options.httpHost ?? '127.0.0.1', log);
      log.info({ url: httpUrl }, `clinic API listening on ${httpUrl}`);
    }

    stopPurging = startUpkeep(store, log, options);

    const db = describeDb(options.db);
    log.info(
      { db, broker: brokerUrl, api: httpUrl },
      `clinic server ready: ingesting readings from ${brokerUrl} into ${db}${httpUrl ? `; API on ${httpUrl}` : ''}`,
    );
    const running = ingest;
    return {
      brokerUrl,
      embeddedBroker: embedded,
      httpUrl,
      api,
      store,
      ingest: running,
      forwarder,
      metrics,
      async close() {
        // Consuming stops first, so that the batch in hand is the last one and the stop is prompt
        // however long the API's open requests take to end.
        await running.stop();
        await stopPurging?.();
        await api?.close();
        await forwarder?.stop();
        stopSweep?.();
        await dynsec?.close();
        await connected.close();
        await embedded?.close();
        await store.close();
      },
    };
  } catch (error) {
    await stopPurging?.().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await forwarder?.stop().catch(() => undefined);
    await ingest?.stop().catch(() => undefined);
    stopSweep?.();
    await dynsec?.close().catch(() => undefined);
    await transport?.close().catch(() => undefined);
    await embedded?.close();
    await store.close();
    throw error;
  }
}
