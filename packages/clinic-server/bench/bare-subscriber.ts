// The benchmarks' transport ceiling: subscribe to every kiosk's readings at QoS 1, count, exit.
import mqtt from 'mqtt';

const [url, expected] = process.argv.slice(2);
const client = await mqtt.connectAsync(url!, {
  protocolVersion: 5,
  clientId: `bare-${process.pid}`,
  clean: true,
});
let received = 0;
client.on('message', () => {
  received++;
  if (received === Number(expected)) {
    console.log(`received ${received}`);
    void client.endAsync().then(() => process.exit(0));
  }
});
await client.subscribeAsync('klinik-desa/v1/+/+/readings', { qos: 1 });
console.log('subscribed');
