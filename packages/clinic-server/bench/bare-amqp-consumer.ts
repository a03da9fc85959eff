// The national bench's baseline: a bare AMQP consumer on the ingest's quorum queue that only
// acknowledges (same prefetch as a worker), counting to the expected number, in its own process.
import amqp from 'amqplib';
import { DEFAULT_TOPOLOGY } from '../src/transport/topology.js';

const [url, expected, prefetch] = process.argv.slice(2);
const connection = await amqp.connect(url!);
const channel = await connection.createChannel();
await channel.prefetch(Number(prefetch ?? 2000));
let received = 0;
await channel.consume(DEFAULT_TOPOLOGY.queue, (message) => {
  if (!message) return;
  channel.ack(message);
  received++;
  if (received === Number(expected)) {
    console.log(`received ${received}`);
    // The channel's close waits for the acknowledgements written before it.
    void channel
      .close()
      .then(() => connection.close())
      .then(() => process.exit(0));
  }
});
console.log('consuming');
