import { describe, expect, it } from 'vitest';
import { Stack, stackPerTest, weighing } from '../src/stack.js';

describe('the kiosk page binds readings to the open screening (local API)', () => {
  const track = stackPerTest();

  it('binds readings to the open session, keeps others unassigned, and streams them live', async () => {
    const stack = await track(new Stack({ mqttVersion: 5 })).start();
    const api = await stack.apiUrl();
    const headers = { cookie: await stack.pageCookie() };

    const events: string[] = [];
    const controller = new AbortController();
    const sse = fetch(`${api}/readings/stream`, { headers, signal: controller.signal }).then(async (res) => {
      const reader = res.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(new TextDecoder().decode(value));
      }
    });

    expect((await fetch(`${api}/session`, { headers })).status).toBe(404);
    const bad = await fetch(`${api}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ patientId: 'has spaces' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'BAD_SESSION',
      message: expect.stringMatching(/^patientId: /),
    });

    const opened = await fetch(`${api}/session`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ patientId: 'pat-001', operatorId: 'nurse-7' }),
    });
    expect(opened.status).toBe(200);
    const session = (await opened.json()) as { sessionId: string; patientId: string };
    stack.write(weighing(58.2));
    await stack.waitForRecords(1);

    expect((await fetch(`${api}/session`, { method: 'DELETE', headers })).status).toBe(200);
    stack.write(weighing(77.7));
    const records = await stack.waitForRecords(2);
    await stack.waitForEmptyOutbox();

    expect(records[0]).toMatchObject({
      sessionId: session.sessionId,
      patientId: 'pat-001',
      values: [{ value: 58.2 }],
    });
    expect(records[1]?.sessionId).toBeUndefined();
    expect(records[1]?.patientId).toBeUndefined();

    const recent = (await (await fetch(`${api}/readings?limit=10`, { headers })).json()) as {
      data: { state: string; reading: { id: string } }[];
    };
    expect(recent.data.map((r) => r.reading.id)).toEqual([records[1]?.id, records[0]?.id]);
    expect(recent.data.every((r) => r.state === 'received')).toBe(true);

    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).toMatch(/^kd_readings_total\{device="scale-1"\} 2$/m);
    expect(metrics).toMatch(/^kd_outbox_pending 0$/m);
    expect(metrics).toMatch(/^kd_mqtt_connected 1$/m);

    const status = (await (await fetch(`${api}/status`)).json()) as {
      broker: { connected: boolean };
      session: unknown;
    };
    expect(status).toMatchObject({ broker: { connected: true }, session: null });

    controller.abort();
    await sse.catch(() => undefined);
    const stream = events.join('');
    expect(stream).toMatch(/^event: status$/m);
    expect(stream.match(/^event: reading$/gm)).toHaveLength(2);
    expect(stream).toMatch(/^event: received$/m);
    expect(stream).toMatch(/^event: session$/m);
    // No patient id in the agent's logs, ever.
    expect(stack.agent.output()).not.toContain('pat-001');
  });
});
