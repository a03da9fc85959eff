import { connect } from 'node:net';
import { type DialogueStep, getDriver } from '@klinik-desa/devices';
import { SIMULATED_BLE_ADDRESS } from '@klinik-desa/devices/simulate';
import type { DeviceMeasurement } from '@klinik-desa/protocol';
import { waitFor } from '@klinik-desa/testkit';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from './simulate.js';

/** Starts `simulate --listen 127.0.0.1:0` in this process; resolves its port and its exit. */
async function simulate(args: string[]) {
  const lines: string[] = [];
  const exit = simulateCommand(['--listen', '127.0.0.1:0', ...args], {
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
  });
  const port = await waitFor(() => lines.join('\n').match(/listening on tcp:\/\/127\.0\.0\.1:(\d+)/)?.[1], {
    what: 'the simulator listening',
  });
  return { port: Number(port), exit, lines };
}

/**
 * The agent's side of a dialogue over a real TCP connection: the driver's own dialogue and
 * framing, as the agent runs them. Resolves once `count` measurements came (a gateway's dialogue
 * never ends by itself: it watches its devices) or the dialogue says it is done.
 */
function talk(
  protocol: string,
  port: number,
  count: number,
  options?: Record<string, unknown>,
): Promise<DeviceMeasurement[]> {
  const driver = getDriver(protocol);
  const dialogue = driver.createDialogue!(options);
  const delimiter = driver.framing.type === 'line' ? driver.framing.delimiter : undefined;
  const splitter = driver.createSplitter?.();
  const measurements: DeviceMeasurement[] = [];
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const step = (s: DialogueStep) => {
      for (const bytes of s.write) socket.write(bytes);
      measurements.push(...s.measurements);
      if (s.done || measurements.length >= count) {
        socket.end();
        resolve(measurements);
      }
    };
    socket.on('error', reject);
    socket.on('connect', () => step(dialogue.start()));
    socket.on('data', (chunk: Buffer) => {
      if (splitter) {
        for (const frame of splitter.push(new Uint8Array(chunk))) step(dialogue.onFrame(frame));
        return;
      }
      text += chunk.toString('latin1');
      for (let at = text.indexOf(delimiter as string); at >= 0; at = text.indexOf(delimiter as string)) {
        step(dialogue.onFrame(Buffer.from(text.slice(0, at), 'latin1')));
        text = text.slice(at + (delimiter as string).length);
      }
    });
  });
}

const glucose: DeviceMeasurement = {
  kind: 'glucose',
  concentration: { value: 112, unit: 'mg/dL' },
  sequenceNumber: 4,
  deviceTime: '2026-11-23T08:05',
  specimen: 'capillary-plasma',
};
const bloodPressure: DeviceMeasurement = {
  kind: 'blood-pressure',
  systolic: { value: 142, unit: 'mm[Hg]' },
  diastolic: { value: 91, unit: 'mm[Hg]' },
  meanArterialPressure: { value: 108, unit: 'mm[Hg]' },
  pulseRate: { value: 77, unit: '/min' },
};

describe('kiosk-agent simulate', () => {
  it('keeps the line open after the last frame with --stay-open, until the other end closes it', async () => {
    const sim = await simulate([
      '--protocol',
      'ad-scale',
      '--weights',
      '62.45',
      '--interval-ms',
      '0',
      '--stay-open',
    ]);
    const socket = connect(sim.port, '127.0.0.1');
    let received = '';
    let ended = false;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('end', () => {
      ended = true;
    });
    await waitFor(() => sim.lines.some((l) => l.startsWith('sent ')), { what: 'the frames sent' });
    // Without --stay-open the simulator ends the line right after its last frame.
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toContain('ST,+00062.45 kg');
    expect(ended).toBe(false);
    expect(sim.lines).toContainEqual(
      expect.stringMatching(/^sent \d+ frames; the line stays open until it closes$/),
    );
    socket.end();
    expect(await sim.exit).toBe(0);
    expect(sim.lines.at(-1)).toBe('the line closed');
  });

  it("answers a Contour meter's dialogue over TCP and hands over its records", async () => {
    const sim = await simulate(['--protocol', 'bayer-contour', '--measurement', JSON.stringify(glucose)]);
    const got = await talk('bayer-contour', sim.port, 1);
    expect(got).toMatchObject([{ kind: 'glucose', concentration: { value: 112 }, sequenceNumber: 4 }]);
    expect(await sim.exit).toBe(0);
    expect(sim.lines).toContain('answering as bayer-contour with 1 measurement(s) until the line closes');
  });

  it('plays a BLE gateway whose BP monitor sends its reading when the gateway connects it', async () => {
    const sim = await simulate(['--protocol', 'ble-gateway', '--measurement', JSON.stringify(bloodPressure)]);
    const got = await talk('ble-gateway', sim.port, 1, { devices: [{ address: SIMULATED_BLE_ADDRESS }] });
    expect(got).toMatchObject([
      { kind: 'blood-pressure', systolic: { value: 142 }, diastolic: { value: 91 } },
    ]);
    expect(await sim.exit).toBe(0);
  });

  it('plays a OneTouch Ultra 2 answering its memory dump', async () => {
    const sim = await simulate(['--protocol', 'onetouch-ultra2', '--measurement', JSON.stringify(glucose)]);
    const got = await talk('onetouch-ultra2', sim.port, 1);
    expect(got).toMatchObject([{ kind: 'glucose', concentration: { value: 112 } }]);
    expect(await sim.exit).toBe(0);
  });
});
