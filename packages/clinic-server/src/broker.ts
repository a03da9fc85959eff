import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import {
  type MqttPrincipal,
  mayPublish,
  maySubscribe,
  mayUseClientId,
  parseKioskUsername,
} from './domain/acl.js';
import { verifySecret } from './domain/secrets.js';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';

export interface EmbeddedBroker {
  readonly port: number;
  readonly url: string;
  /** Closes the live connection of this user at once (a revoked kiosk); false when none is open. */
  disconnect(username: string): boolean;
  close(): Promise<void>;
}

/** How the embedded broker learns who may connect; backed by the clinic record. */
export interface BrokerAuth {
  /** The ingest server's own user name and password on this broker. */
  ingest: { username: string; password: string };
  /** The stored secret hash of a registered, not revoked kiosk's client id; undefined otherwise. */
  kioskSecretHash(username: string): Promise<string | undefined>;
  /**
   * How long a registry answer is trusted for the packets of a connected kiosk (default 2000 ms):
   * a revoked kiosk is refused within this time even without the revocation hook.
   */
  recheckMs?: number;
  log?: Logger;
}

type ConnectRefusal = 2 | 4 | 5;
const REFUSAL_TEXT: Record<ConnectRefusal, string> = {
  2: 'identifier rejected',
  4: 'bad user name or password',
  5: 'not authorized',
};

class AuthError extends Error {
  constructor(readonly returnCode: ConnectRefusal) {
    super(REFUSAL_TEXT[returnCode]);
  }
}

/** A connected client's identity, and the secret hash it proved (a rotation ends the connection). */
interface Session {
  principal: MqttPrincipal;
  username: string;
  secretHash?: string;
}

/**
 * The registry's answer per kiosk user name for `recheckMs`: each packet is authorized against the
 * current registry without a query per packet.
 */
class RegistryCache {
  private readonly answers = new Map<string, { hash: string | undefined; at: number }>();
  constructor(
    private readonly lookup: (username: string) => Promise<string | undefined>,
    private readonly ttlMs: number,
  ) {}

  async hash(username: string): Promise<string | undefined> {
    const hit = this.answers.get(username);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.hash;
    const hash = await this.lookup(username);
    this.answers.set(username, { hash, at: Date.now() });
    return hash;
  }

  forget(username: string): void {
    this.answers.delete(username);
  }
}

function brokerHandlers(auth: BrokerAuth, sessions: Map<Client, Session>, registry: RegistryCache) {
  const log = auth.log;
  /** Still the kiosk that proved itself at CONNECT: registered, not revoked, same secret. */
  const stillValid = async (session: Session): Promise<boolean> => {
    if (session.principal.kind !== 'kiosk') return true;
    return (await registry.hash(session.username)) === session.secretHash;
  };
  const identify = async (username: string | undefined, pw: string | undefined) => {
    if (username === undefined || pw === undefined) return undefined;
    if (username === auth.ingest.username) {
      return pw === auth.ingest.password
        ? ({ principal: { kind: 'ingest' }, username } as Session)
        : undefined;
    }
    const kiosk = parseKioskUsername(username);
    if (!kiosk) return undefined;
    registry.forget(username);
    const hash = await registry.hash(username);
    if (!hash || !verifySecret(pw, hash)) return undefined;
    return { principal: { kind: 'kiosk', ...kiosk }, username, secretHash: hash } as Session;
  };
  /** Refuses a packet of a client no longer allowed, and ends its connection. */
  const authorize = (client: Client, allowed: (who: MqttPrincipal) => boolean, what: object) =>
    (async () => {
      const session = sessions.get(client);
      if (!session || !allowed(session.principal)) return 'refused' as const;
      return (await stillValid(session)) ? ('ok' as const) : ('revoked' as const);
    })().then(
      (verdict) => {
        if (verdict === 'revoked') {
          log?.warn({ clientId: client.id, ...what }, 'MQTT client no longer registered: disconnected');
          client.close();
        } else if (verdict === 'refused') {
          log?.warn({ clientId: client.id, ...what }, 'MQTT packet refused by the ACL');
        }
        return verdict === 'ok';
      },
      (error: unknown) => {
        log?.error({ err: error, clientId: client.id }, 'MQTT authorization failed: packet refused');
        return false;
      },
    );

  return {
    authenticate(
      client: Client,
      username: string | undefined,
      password: Buffer | undefined,
      done: (error: AuthenticateError | null, success: boolean | null) => void,
    ) {
      identify(username, password?.toString('utf8')).then(
        (session) => {
          let refusal: ConnectRefusal | undefined;
          if (!session) refusal = username === undefined ? 5 : 4;
          else if (!mayUseClientId(session.principal, client.id)) refusal = 2;
          if (refusal !== undefined || !session) {
            log?.warn(
              { clientId: client.id, username },
              `MQTT connection refused: ${REFUSAL_TEXT[refusal ?? 5]}${refusal === 2 ? ' (a kiosk connects with its user name as client id)' : ''}`,
            );
            done(new AuthError(refusal ?? 5) as AuthenticateError, false);
            return;
          }
          sessions.set(client, session);
          done(null, true);
        },
        (error: unknown) => {
          log?.error({ err: error }, 'MQTT authentication failed');
          done(Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError, false);
        },
      );
    },
    authorizePublish(
      client: Client | null,
      packet: { topic: string },
      callback: (error?: Error | null) => void,
    ) {
      // client is null for the broker's own messages (e.g. $SYS).
      if (!client) return callback(null);
      authorize(client, (who) => mayPublish(who, packet.topic), { topic: packet.topic }).then((ok) =>
        callback(ok ? null : new AuthError(5)),
      );
    },
    authorizeSubscribe<S extends { topic: string }>(
      client: Client,
      subscription: S,
      callback: (error: Error | null, subscription?: S | null) => void,
    ) {
      authorize(client, (who) => maySubscribe(who, subscription.topic), { topic: subscription.topic }).then(
        // A refused subscription is answered with failure (0x80), not a disconnect.
        (ok) => callback(null, ok ? subscription : null),
      );
    },
    /** Closes every connection whose kiosk is no longer registered (revoked from another process). */
    async sweep(): Promise<void> {
      for (const [client, session] of sessions) {
        if (session.principal.kind === 'kiosk' && !(await stillValid(session))) {
          log?.warn({ clientId: client.id }, 'MQTT kiosk revoked or rotated: connection closed');
          client.close();
        }
      }
    },
  };
}

/**
 * The zero-setup broker (aedes, MQTT 3.1.1 only) for a single clinic machine and the demo.
 * Production runs Mosquitto or EMQX. `port: 0` picks a free port; a port that is taken when it was
 * asked for explicitly is an error naming it, never a silent switch to another.
 *
 * With `auth`, it enforces the same per-kiosk rules as the Mosquitto dynamic-security file that
 * `mosquitto-config` writes, on every packet and not only at CONNECT: only the ingest and
 * registered kiosks connect, a kiosk with its own user name as client id, and a kiosk revoked (or
 * rotated) since it connected is disconnected within `recheckMs`, or at once through `disconnect`.
 */
export async function startEmbeddedBroker(options: {
  port: number;
  host?: string;
  auth?: BrokerAuth;
}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const auth = options.auth;
  const sessions = new Map<Client, Session>();
  const recheckMs = auth?.recheckMs ?? 2000;
  const registry = auth && new RegistryCache((u) => auth.kioskSecretHash(u), recheckMs);
  const handlers = auth && registry ? brokerHandlers(auth, sessions, registry) : undefined;
  const broker = await Aedes.createBroker(
    handlers
      ? {
          authenticate: handlers.authenticate,
          authorizePublish: handlers.authorizePublish,
          authorizeSubscribe: handlers.authorizeSubscribe,
        }
      : {},
  );
  broker.on('clientDisconnect', (client) => sessions.delete(client));
  let sweeping = false;
  const sweeper = handlers
    ? setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        handlers
          .sweep()
          .catch((error: unknown) => auth?.log?.error({ err: error }, 'MQTT registry sweep failed'))
          .finally(() => {
            sweeping = false;
          });
      }, recheckMs)
    : undefined;
  sweeper?.unref();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      clearInterval(sweeper);
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
    disconnect(username) {
      registry?.forget(username);
      let found = false;
      for (const [client, session] of sessions) {
        if (session.username !== username) continue;
        found = true;
        sessions.delete(client);
        client.close();
      }
      return found;
    },
    async close() {
      clearInterval(sweeper);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
