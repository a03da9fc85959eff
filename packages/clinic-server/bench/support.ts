// Shared by the ingest benchmarks: readings to send, publishers, a bare subscriber to compare with.
import { newUuidV7, type Reading, ReceiptMessage, topics } from '@klinik-desa/protocol';
import { type RunningProcess, startTsProcess } from '@klinik-desa/testkit';
import mqtt, { type MqttClient } from 'mqtt';

export const HERE = new URL('.', import.meta.url).pathname;

export function makeReadings(kiosks: number, perKiosk: number): Reading[] {
  const out: Reading[] = [];
  const base = Date.now();
  for (let k = 0; k < kiosks; k++) {
    for (let i = 0; i < perKiosk; i++) {
      const at = new Date(base + i).toISOString();
      out.push({
        id: newUuidV7(),
        clinicId: 'clinic-bench',
        kioskId: `kiosk-${k}`,
        device: { id: 'bp-1', protocol: 'gatt-2a35' },
        sessionId: `session-${k}`,
        kind: 'blood-pressure',
        measuredAt: at,
        receivedAt: at,
        timeSource: 'kiosk',
        values: [
          { name: 'systolic', code: '8480-6', value: 120 + (i % 40), unit: 'mm[Hg]' },
          { name: 'diastolic', code: '8462-4', value: 80 + (i % 20), unit: 'mm[Hg]' },
          { name: 'pulseRate', code: '8867-4', value: 70, unit: '/min' },
        ],
        flags: i % 50 === 0 ? [{ code: 'bp.grade-3', severity: 'urgent', value: 'systolic' }] : [],
      });
    }
  }
  return out;
}

/** One MQTT connection per kiosk, each counting the readings its receipts confirm. */
export class KioskFleet {
  private constructor(
    readonly clients: MqttClient[],
    private readonly counter: { n: number },
  ) {}

  static async connect(url: string, kiosks: number, countReceipts: boolean): Promise<KioskFleet> {
    const confirmed = { n: 0 };
    const clients: MqttClient[] = [];
    for (let k = 0; k < kiosks; k++) {
      const client = await mqtt.connectAsync(url, {
        protocolVersion: 5,
        clientId: `bench-kiosk-${k}-${Date.now()}`,
      });
      if (countReceipts) {
        client.on('message', (_t, payload) => {
          for (const r of ReceiptMessage.parse(JSON.parse(payload.toString('utf8'))).receipts) {
            if (r.status !== 'rejected') confirmed.n++;
          }
        });
        await client.subscribeAsync(topics.receipts('clinic-bench', `kiosk-${k}`), { qos: 1 });
      }
      clients.push(client);
    }
    return new KioskFleet(clients, confirmed);
  }

  get confirmed(): number {
    return this.counter.n;
  }

  /** Publishes every reading from its kiosk's connection, QoS 1, as fast as the connections take them. */
  async publish(readings: readonly Reading[]): Promise<void> {
    await Promise.all(
      readings.map((r) => {
        const k = Number(r.kioskId.slice('kiosk-'.length));
        return this.clients[k]!.publishAsync(topics.readings(r.clinicId, r.kioskId), JSON.stringify(r), {
          qos: 1,
        });
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }
}

export async function until(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The transport's ceiling: a bare mqtt.js QoS 1 subscriber in its own process, counting. */
export async function bareSubscriberRate(url: string, readings: readonly Reading[]): Promise<number> {
  const proc: RunningProcess = startTsProcess('bare-subscriber', `${HERE}bare-subscriber.ts`, [
    url,
    String(readings.length),
  ]);
  await proc.waitForLine(/subscribed/);
  const fleet = await KioskFleet.connect(url, kioskCount(readings), false);
  const started = performance.now();
  await fleet.publish(readings);
  await proc.waitForLine(/received \d+/, 120_000);
  const seconds = (performance.now() - started) / 1000;
  await fleet.close();
  await proc.stop();
  return readings.length / seconds;
}

export function kioskCount(readings: readonly Reading[]): number {
  return new Set(readings.map((r) => r.kioskId)).size;
}

/** Sends the readings to running clinic servers and waits for every receipt: readings/s committed. */
export async function serverRate(url: string, readings: readonly Reading[]): Promise<number> {
  const fleet = await KioskFleet.connect(url, kioskCount(readings), true);
  const started = performance.now();
  await fleet.publish(readings);
  await until(() => fleet.confirmed >= readings.length, 120_000, `${readings.length} receipts`);
  const seconds = (performance.now() - started) / 1000;
  await fleet.close();
  return readings.length / seconds;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** Kiosks of the insert-worker benchmark (readings-partitioned.bench.ts), all of clinic-bench. */
export const BENCH_KIOSKS = 40;

/** `n` new readings of the kiosks that worker `worker` of `workers` takes (kiosk index modulo workers). */
export function benchReadings(kiosks: number, n: number, worker: number, workers: number): Reading[] {
  const perKiosk = Math.ceil((n * workers) / kiosks) + 1;
  return makeReadings(kiosks, perKiosk)
    .filter((r) => Number(r.kioskId.slice('kiosk-'.length)) % workers === worker)
    .slice(0, n);
}
