import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { Stack, stackPerTest, weighing } from '../src/stack.js';

/**
 * A USB serial adapter as sysfs shows it, whose tty is a real socat pty: unplugging removes the
 * tty, replugging brings it back under another name with the same USB ids, as the kernel does.
 */
function fakeUsbAdapter(root: string) {
  const sys = join(root, 'sys');
  const dev = join(root, 'dev');
  const usb = join(sys, 'devices/pci0000:00/0000:00:14.0/usb1/1-1');
  mkdirSync(join(sys, 'class/tty'), { recursive: true });
  mkdirSync(dev, { recursive: true });
  mkdirSync(usb, { recursive: true });
  writeFileSync(join(usb, 'idVendor'), '0403\n');
  writeFileSync(join(usb, 'idProduct'), '6001\n');
  writeFileSync(join(usb, 'serial'), 'SCALE-42\n');
  return {
    sys,
    dev,
    plug(tty: string, ptyPath: string) {
      const iface = join(usb, '1-1:1.0', tty);
      mkdirSync(iface, { recursive: true });
      mkdirSync(join(sys, 'class/tty', tty));
      symlinkSync(iface, join(sys, 'class/tty', tty, 'device'));
      symlinkSync(ptyPath, join(dev, tty));
    },
    unplug(tty: string) {
      rmSync(join(sys, 'class/tty', tty), { recursive: true, force: true });
      rmSync(join(dev, tty), { force: true });
    },
  };
}

describe('the kiosk agent survives what village kiosks do to it', () => {
  const track = stackPerTest();

  it('finds the scale again by its USB ids after it is unplugged and comes back under a new path', async () => {
    let adapter: ReturnType<typeof fakeUsbAdapter> | undefined;
    const stack = track(
      new Stack({
        mqttVersion: 5,
        deviceYaml: (s) => {
          adapter ??= fakeUsbAdapter(s.dir);
          adapter.plug('ttyUSB0', s.pty.agentPath);
          return '  - { id: scale-1, protocol: ad-scale, usb: { vendorId: "0403", productId: "6001", serialNumber: SCALE-42 } }';
        },
        extraYaml: (s) => [
          `system: { sysfsRoot: "${join(s.dir, 'sys')}", devRoot: "${join(s.dir, 'dev')}" }`,
        ],
      }),
    );
    await stack.start();
    expect(stack.agent.output()).toContain(`connected on ${join(stack.dir, 'dev/ttyUSB0')}`);
    stack.write(weighing(66.6));
    await stack.waitForRecords(1);

    // Pull the cable: the pty disappears and so does the tty.
    await stack.pty.close();
    adapter!.unplug('ttyUSB0');
    await stack.agent.waitForLine(/device scale-1 lost|the port has disappeared/);

    // Plug it into another USB socket: same ids, new path.
    const pty = await stack.replug('scale-again');
    adapter!.plug('ttyUSB1', pty.agentPath);
    await stack.agent.waitForLine(
      new RegExp(`connected on ${join(stack.dir, 'dev/ttyUSB1').replace(/[/.]/g, '\\$&')}`),
      40_000,
    );
    stack.write(weighing(71.1));

    const records = await stack.waitForRecords(2);
    expect(records.map((r) => r.values[0]?.value)).toEqual([66.6, 71.1]);
    await stack.waitForEmptyOutbox();
  });

  it('loses and duplicates nothing when killed with SIGKILL at random moments (20 times)', async () => {
    const stack = await track(new Stack({ mqttVersion: 5, receiptTimeoutSeconds: 2 })).start();
    const s = stack;
    const written: number[] = [];
    const keptIds = new Set<string>();
    const collectKept = () => {
      for (const m of s.agent
        .output()
        .matchAll(/"readingId":"([0-9a-f-]{36})"[^\n]*reading kept in the outbox/g))
        keptIds.add(m[1] as string);
    };
    let next = 40;
    const weighOne = () => {
      next += 0.7; // every weighing a different load, so a duplicate would show
      const kg = Math.round(next * 100) / 100;
      written.push(kg);
      s.write(weighing(kg, 3));
    };

    for (let round = 0; round < 20; round++) {
      const weighings = 1 + Math.floor(Math.random() * 3);
      for (let i = 0; i < weighings; i++) {
        weighOne();
        await new Promise((r) => setTimeout(r, Math.random() * 150));
      }
      // Kill at a random moment: while lines are still being read, published or receipted.
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      collectKept();
      await s.agent.kill9();
      collectKept();
      s.startAgent();
      await s.agent.waitForLine(/device scale-1 connected/);
    }
    weighOne();
    await waitFor(() => s.outboxDepth() === 0 && s.records().length > 0, {
      timeoutMs: 60_000,
      what: 'the outbox to drain',
    });
    await new Promise((r) => setTimeout(r, 2500)); // longer than the receipt timeout: any resend would have landed
    collectKept();

    const records = s.records();
    const ids = records.map((r) => r.id);
    const values = records.map((r) => r.values[0]?.value as number);
    // Nothing the agent acknowledged is lost...
    for (const id of keptIds) expect(ids).toContain(id);
    // ...nothing is stored twice, and nothing is invented.
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(written).toContain(v);
    expect(keptIds.size).toBeGreaterThan(10);
  });
});
