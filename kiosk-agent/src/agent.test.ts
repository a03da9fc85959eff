import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@klinik-desa/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from './agent.js';
import { parseConfig } from './config/config.js';
import { createLogger } from './logger.js';

const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);

afterEach(() => {
  process.off('uncaughtException', record);
});

describe('Agent', () => {
  it('schedules nothing once stopped: no timer reaches the closed outbox', async () => {
    process.on('uncaughtException', record);
    // A device served over TCP (as ser2net does): its port closes while the agent stops, and that
    // state change used to schedule a status for after the outbox had closed. No broker listens.
    const sockets: Socket[] = [];
    const device = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => device.listen(0, '127.0.0.1', resolve));
    const devicePort = (device.address() as AddressInfo).port;
    const config = parseConfig(
      {
        kiosk: { id: 'kiosk-1', clinicId: 'clinic-1' },
        mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` },
        outbox: { path: join(mkdtempSync(join(tmpdir(), 'kd-agent-')), 'outbox.db') },
        http: { port: 0 },
        devices: [{ id: 'scale-1', protocol: 'ad-scale', port: `tcp://127.0.0.1:${devicePort}` }],
      },
      '/',
    );
    const agent = new Agent(config, createLogger('silent'));
    await agent.start();
    await waitFor(() => agent.devices[0]?.status.state === 'connected', { what: 'the device connected' });
    // Past the status published after connecting, so that the next change schedules a new one.
    await new Promise((r) => setTimeout(r, 1200));
    await agent.stop();
    for (const socket of sockets) socket.destroy();
    device.close();
    // The status is published at most a second after a change: wait past that.
    await new Promise((r) => setTimeout(r, 1500));
    expect(uncaught).toEqual([]);
  });
});
