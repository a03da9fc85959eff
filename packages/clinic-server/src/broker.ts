import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { ConfigError } from './errors.js';

export interface EmbeddedBroker {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The zero-setup broker (aedes, MQTT 3.1.1 only) for a single clinic machine and the demo.
 * Production runs Mosquitto or EMQX. `port: 0` picks a free port; a port that is taken when it was
 * asked for explicitly is an error naming it, never a silent switch to another.
 */
export async function startEmbeddedBroker(options: { port: number; host?: string }): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
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
