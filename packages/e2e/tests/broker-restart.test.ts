import { describe, expect, it } from 'vitest';
import { Stack, stackPerTest, weighing } from '../src/stack.js';

describe('the broker goes away while a scale keeps weighing', () => {
  const track = stackPerTest();

  it.each([5, 4] as const)(
    'every reading arrives exactly once after Mosquitto comes back (MQTT %s)',
    async (mqttVersion) => {
      const stack = await track(new Stack({ mqttVersion, receiptTimeoutSeconds: 3 })).start();
      const before = [60.1, 61.2];
      const during = [62.3, 63.4, 64.5];
      const after = [65.6];
      for (const kg of before) stack.write(weighing(kg));
      await stack.waitForRecords(before.length);

      await stack.broker.stop();
      for (const kg of during) {
        stack.write(weighing(kg));
        await new Promise((r) => setTimeout(r, 200));
      }
      // The readings are safe in the outbox while the broker is down.
      await new Promise((r) => setTimeout(r, 1000));
      expect(stack.outboxDepth()).toBeGreaterThanOrEqual(during.length);
      expect(stack.records()).toHaveLength(before.length);

      await stack.broker.start();
      for (const kg of after) stack.write(weighing(kg));

      const all = [...before, ...during, ...after];
      await stack.waitForRecords(all.length, 60_000);
      await stack.waitForEmptyOutbox(60_000);
      await new Promise((r) => setTimeout(r, 1000));
      const values = stack.records().map((r) => r.values[0]?.value);
      expect(values).toHaveLength(all.length);
      expect(values).toEqual(all);
    },
  );
});
