import { hostname } from 'node:os';
import mqtt, { type MqttClient } from 'mqtt';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
import { ConfigError } from './errors.js';
import { Ingest } from './ingest.js';
import { createLogger, type Logger } from './logger.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { ClinicStore } from './store/store.js';

export interface ClinicServerOptions {
  /** SQLite file path of the clinic record. */
  db: string;
  /** An external broker (Mosquitto, EMQX). Without it the server embeds one. */
  brokerUrl?: string;
  /** Port of the embedded broker: a number, or 0 for a free one. Default: 1883, or a free port if taken. */
  brokerPort?: number;
  /** MQTT version towards an external broker; the embedded one speaks 3.1.1 (4) only. */
  protocolVersion?: 4 | 5;
  username?: string;
  password?: string;
  /** Persistent-session client id; several ingest processes need different ones. */
  clientId?: string;
  /** Shared-subscription group (MQTT 5 brokers) so several processes split the readings. */
  sharedGroup?: string;
  log?: Logger;
}

export interface ClinicServer {
  readonly brokerUrl: string;
  readonly embeddedBroker: EmbeddedBroker | undefined;
  readonly store: ClinicStore;
  readonly ingest: Ingest;
  close(): Promise<void>;
}

async function embed(port: number | undefined, log: Logger): Promise<EmbeddedBroker> {
  if (port !== undefined) return startEmbeddedBroker({ port });
  try {
    return await startEmbeddedBroker({ port: 1883 });
  } catch (error) {
    if (!(error instanceof ConfigError) || error.code !== 'PORT_TAKEN') throw error;
    log.warn('port 1883 is taken (another broker?): the embedded broker takes a free port instead');
    return startEmbeddedBroker({ port: 0 });
  }
}

export async function startClinicServer(options: ClinicServerOptions): Promise<ClinicServer> {
  const log = options.log ?? createLogger();
  const store = openSqliteStore(options.db);
  let embedded: EmbeddedBroker | undefined;
  let client: MqttClient | undefined;
  try {
    if (!options.brokerUrl) {
      embedded = await embed(options.brokerPort, log);
      log.info({ url: embedded.url }, `embedded MQTT broker (MQTT 3.1.1) listening on ${embedded.url}`);
    }
    const brokerUrl = options.brokerUrl ?? (embedded as EmbeddedBroker).url;
    const protocolVersion = embedded ? 4 : (options.protocolVersion ?? 5);
    client = await mqtt.connectAsync(brokerUrl, {
      protocolVersion,
      clientId: options.clientId ?? `klinik-desa-ingest-${hostname()}`,
      clean: false,
      ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 24 * 3600 } } : {}),
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
    });
    const connected = client;
    connected.on('error', (error) => log.error({ err: error }, 'MQTT error'));
    connected.on('offline', () => log.warn('MQTT broker unreachable; readings wait in the kiosks'));
    connected.on('connect', () => log.info('MQTT connected again'));
    const ingest = new Ingest({
      client: connected,
      store,
      log,
      ...(options.sharedGroup ? { sharedGroup: options.sharedGroup } : {}),
    });
    await ingest.start();
    log.info(
      { db: options.db, broker: brokerUrl },
      `clinic server ready: ingesting readings from ${brokerUrl} into ${options.db}`,
    );
    return {
      brokerUrl,
      embeddedBroker: embedded,
      store,
      ingest,
      async close() {
        await ingest.stop();
        await connected.endAsync();
        await embedded?.close();
        await store.close();
      },
    };
  } catch (error) {
    await client?.endAsync(true).catch(() => undefined);
    await embedded?.close();
    await store.close();
    throw error;
  }
}
