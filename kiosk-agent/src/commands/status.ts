import { parseArgs } from 'node:util';
import type { KioskStatus } from '@klinik-desa/protocol';
import type { Command } from '../cli-support.js';
import { describeBehindGateway } from '../devices/behind-gateway.js';
import { localApiAddress } from './local-api-address.js';

const HELP = `Usage: kiosk-agent status (--config <kiosk.yaml> | --url <http://127.0.0.1:8710>) [--json]

Asks the running agent (its local API) how it is: broker connection, devices, outbox, open screening.
Exits 1 when the agent does not answer.

Options:
  -c, --config <path>   find the agent's local API from its config
  --url <url>           or give the local API's address
  --json                print the raw status
  -h, --help            this help`;

type LocalStatus = KioskStatus & {
  broker: { connected: boolean; maxInFlight?: number; maxBatch?: number; lastError?: string };
  session: { sessionId: string } | null;
  warnings: string[];
};

export const statusCommand: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      url: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const base = localApiAddress(values);
  let status: LocalStatus;
  try {
    const res = await fetch(new URL('/status', base), { signal: AbortSignal.timeout(5000) });
    status = (await res.json()) as LocalStatus;
  } catch (error) {
    io.stderr(
      `kiosk-agent status: the agent does not answer at ${base} (${(error as Error).message}); is it running?`,
    );
    return 1;
  }
  if (values.json) {
    io.stdout(JSON.stringify(status, null, 2));
    return 0;
  }
  io.stdout(
    `kiosk ${status.kioskId} of clinic ${status.clinicId}, agent ${status.version ?? '?'} since ${status.startedAt ?? '?'}`,
  );
  io.stdout(
    `broker: ${status.broker.connected ? `connected, up to ${status.broker.maxInFlight ?? '?'} messages in flight${status.broker.maxBatch !== undefined && status.broker.maxBatch > 1 ? ` of up to ${status.broker.maxBatch} readings` : ''}` : `NOT connected${status.broker.lastError ? ` (${status.broker.lastError})` : ''}`}`,
  );
  io.stdout(
    `outbox: ${status.outbox?.depth ?? 0} waiting for the clinic (capacity ${status.outbox?.capacity ?? '?'})${status.outbox?.nearlyFull ? '  NEARLY FULL' : ''}`,
  );
  io.stdout(`session: ${status.session ? `open (${status.session.sessionId})` : 'none'}`);
  for (const d of status.devices ?? []) {
    const errors = Object.entries(d.errors)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    io.stdout(
      `device ${d.id} (${d.protocol}) ${d.state}${d.port ? ` on ${d.port}` : ''}: ${d.readings ?? 0} readings${errors ? `; errors: ${errors}` : ''}`,
    );
    for (const behind of d.behind ?? []) io.stdout(`  behind it: ${describeBehindGateway(behind)}`);
  }
  for (const w of status.warnings) io.stdout(`WARNING: ${w}`);
  return 0;
};
