import { KioskStatus, topics } from '@klinik-desa/protocol';
import { AGENT_CLI, startTsProcess, waitFor } from '@klinik-desa/testkit';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { Stack, stackPerTest, weighing } from '../src/stack.js';

describe.each([5, 4] as const)(
  'a scale on a serial port reaches the clinic record (MQTT %s)',
  (mqttVersion) => {
    const track = stackPerTest();

    it('stores one reading per weighing, exactly once, and empties the outbox', async () => {
      const stack = await track(new Stack({ mqttVersion })).start();
      const weights = [62.45, 80.1, 49.9];
      for (const kg of weights) stack.write(weighing(kg));

      const rows = await stack.waitForRecords(weights.length);
      await stack.waitForEmptyOutbox();
      // Give any stray duplicate time to show up before counting.
      await new Promise((r) => setTimeout(r, 500));
      const records = stack.records();
      expect(records).toHaveLength(weights.length);
      expect(records.map((r) => r.values[0]?.value)).toEqual(weights);
      for (const r of rows) {
        expect(r).toMatchObject({
          clinicId: 'clinic-1',
          kioskId: 'kiosk-1',
          kind: 'weight',
          device: { id: 'scale-1', protocol: 'ad-scale' },
        });
        expect(r.values[0]).toMatchObject({ code: '29463-7', unit: 'kg' });
      }

      // systemd stops the agent with SIGTERM: it must finish by itself, not wait for the SIGKILL
      // that follows the grace period (a serial port that read data can keep Node's loop alive),
      // even while a kiosk page holds the readings stream open.
      const api = await stack.apiUrl();
      const stream = await fetch(`${api}/readings/stream`, { headers: { cookie: await stack.pageCookie() } });
      expect(stream.status).toBe(200);
      const stoppedAt = Date.now();
      expect(await stack.agent.stop(10_000)).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(5000);
      expect(stack.agent.output()).toMatch(/kiosk agent stopped/);
      await stream.body?.cancel().catch(() => undefined);
    });

    it('counts garbage on the port, keeps running, and still stores the good readings', async () => {
      const stack = await track(new Stack({ mqttVersion })).start();
      const status = await mqtt.connectAsync(stack.broker.url, { protocolVersion: mqttVersion });
      const seen: KioskStatus[] = [];
      status.on('message', (_t, payload) => seen.push(KioskStatus.parse(JSON.parse(payload.toString()))));
      await status.subscribeAsync(topics.status('clinic-1', 'kiosk-1'), { qos: 1 });
      try {
        stack.write(weighing(70));
        stack.write('\u0000\u00ff\u00fegarbage without sense\r\n');
        stack.write('ST,+0007X.00 kg\r\n');
        stack.write(`${'Z'.repeat(5000)}\r\n`); // longer than any A&D line: cut, counted, not buffered forever
        stack.write('ST,+00062\r\n');
        stack.write(weighing(55.5));

        await stack.waitForRecords(2);
        await stack.waitForEmptyOutbox();
        const counted = await waitFor(
          () => {
            const errors = seen.at(-1)?.devices?.find((d) => d.id === 'scale-1')?.errors;
            const total = Object.values(errors ?? {}).reduce((a, b) => a + b, 0);
            return total >= 4 ? errors : undefined;
          },
          { what: 'decode errors counted in the kiosk status' },
        );
        expect(counted?.['BAD_FORMAT']).toBeGreaterThanOrEqual(2);
        expect(counted?.['TRUNCATED']).toBeGreaterThanOrEqual(1);
        expect(stack.records().map((r) => r.values[0]?.value)).toEqual([70, 55.5]);
        expect(stack.agent.child.exitCode).toBeNull();
        expect(stack.agent.output()).toMatch(/garbled frame/);
      } finally {
        await status.endAsync();
      }
    });
  },
);

describe('a broker that takes few publishes at a time', () => {
  const track = stackPerTest();

  it("keeps to the broker's receive maximum (MQTT 5) and still delivers everything", async () => {
    // Mosquitto announces max_inflight_messages as its receive maximum; the agent is configured
    // for 50 in flight, and must send no more than the broker takes.
    const stack = await track(
      new Stack({ mqttVersion: 5, brokerConfig: ['max_inflight_messages 3'] }),
    ).start();
    const api = await stack.apiUrl();
    const status = await waitFor(async () => {
      const s = (await (await fetch(`${api}/status`)).json()) as {
        broker: { connected: boolean; maxInFlight: number };
      };
      return s.broker.connected ? s : undefined;
    });
    expect(status?.broker.maxInFlight).toBe(3);
    const weights = Array.from({ length: 40 }, (_, i) => 40 + i);
    for (const kg of weights) stack.write(weighing(kg, 2));
    await stack.waitForRecords(weights.length);
    await stack.waitForEmptyOutbox();
    expect(stack.records().map((r) => r.values[0]?.value)).toEqual(weights);

    // What the operator sees on the kiosk's console.
    const cli = startTsProcess('kiosk-agent status', AGENT_CLI, ['status', '--url', api]);
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/^broker: connected, up to 3 messages in flight of up to 50 readings$/m);
    expect(cli.output()).toMatch(/^outbox: 0 waiting for the clinic/m);
    expect(cli.output()).toMatch(/^device scale-1 \(ad-scale\) connected on \S+: 40 readings$/m);
  });
});
