import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { type MqttPrincipal, mayPublish, maySubscribe, parseKioskUsername } from './domain/acl.js';
import { verifySecret } from './domain/secrets.js';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';

export interface EmbeddedBroker {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** How the embedded broker learns who may connect; backed by the clinic record. */
export interface BrokerAuth {
  /** The ingest server's own user name and password on this broker. */
  ingest: { username: string; password: string };
  /** True once kiosks are registered (or registration is required): then anonymous clients are refused. */
  closed(): Promise<boolean>;
  /** The stored secret hash of a kiosk's client id, when it is registered. */
  kioskSecretHash(username: string): Promise<string | undefined>;
  log?: Logger;
}

class AuthError extends Error {
  constructor(readonly returnCode: 4 | 5) {
    super(returnCode === 4 ? 'bad user name or password' : 'not authorized');
  }
}

/**
 * The zero-setup broker (aedes, MQTT 3.1.1 only) for a single clinic machine and the demo.
 * Production runs Mosquitto or EMQX. `port: 0` picks a free port; a port that is taken when it was
 * asked for explicitly is an error naming it, never a silent switch to another.
 *
 * With `auth`, it enforces the same per-kiosk rules as the Mosquitto ACL that `mosquitto-config`
 * writes: until a kiosk is registered it stays open, so the demo needs no setup.
 */
export async function startEmbeddedBroker(options: {
  port: number;
  host?: string;
  auth?: BrokerAuth;
}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const auth = options.auth;
  const principals = new WeakMap<object, MqttPrincipal>();
  const broker = await Aedes.createBroker(
    auth
      ? {
          authenticate(client, username, password, done) {
            const pw = password?.toString('utf8');
            (async (): Promise<MqttPrincipal | undefined> => {
              if (username === auth.ingest.username) {
                return pw === auth.ingest.password ? { kind: 'ingest' } : undefined;
              }
              const kiosk = username ? parseKioskUsername(username) : undefined;
              if (kiosk && username && pw !== undefined) {
                const hash = await auth.kioskSecretHash(username);
                if (hash && verifySecret(pw, hash)) return { kind: 'kiosk', ...kiosk };
                return undefined;
              }
              return (await auth.closed()) ? undefined : { kind: 'open' };
            })().then(
              (principal) => {
                if (!principal) {
                  auth.log?.warn(
                    { clientId: client.id },
                    'MQTT connection refused: bad user name or password',
                  );
                  done(new AuthError(4) as AuthenticateError, false);
                  return;
                }
                principals.set(client, principal);
                done(null, true);
              },
              (error: unknown) => {
                auth.log?.error({ err: error }, 'MQTT authentication failed');
                done(
                  Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError,
                  false,
                );
              },
            );
          },
          authorizePublish(client, packet, callback) {
            // client is null for the broker's own messages (e.g. $SYS).
            if (!client) return callback(null);
            const who = principals.get(client);
            if (who && mayPublish(who, packet.topic)) return callback(null);
            auth.log?.warn({ clientId: client.id, topic: packet.topic }, 'MQTT publish refused by the ACL');
            callback(new AuthError(5));
          },
          authorizeSubscribe(client, subscription, callback) {
            const who = principals.get(client);
            if (who && maySubscribe(who, subscription.topic)) return callback(null, subscription);
            auth.log?.warn(
              { clientId: client.id, topic: subscription.topic },
              'MQTT subscription refused by the ACL',
            );
            // A refused subscription is answered with failure (0x80), not a disconnect.
            callback(null, null);
          },
        }
      : {},
  );
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      broker.close();
      if (error.code === 'EADDRINUSE') {
        reject(
          new ConfigError(
            'PORT_TAKEN',
            `MQTT port ${options.port} on ${host} is already in use: choose another with --broker-port, or 0 for a free one`,
          ),
        );
      } else reject(error);
    });
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    url: `mqtt://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
