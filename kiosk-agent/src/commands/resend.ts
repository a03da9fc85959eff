import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { type CommandIo, UsageError } from '../cli-support.js';
import { localApiAddress } from './local-api-address.js';
import { readPin } from './read-pin.js';

const HELP = `Usage: kiosk-agent resend --rejected <CODE[,CODE...]> (--config <kiosk.yaml> | --url <http://127.0.0.1:8710>)

Sends again the readings (and screening opens and finishes) the clinic rejected with one of the
given codes, kept in the outbox: for rejections that were the clinic's own trouble, not the
reading's. A clinic server whose disk was full answered \`UNSTORABLE\` before it learnt to leave
such readings unanswered; \`kiosk-agent resend --rejected UNSTORABLE\` sends those again. The
clinic keeps each reading once, so one it already has is answered "duplicate".

The running agent does it (it owns the outbox): this asks its local API, unlocked with the health
worker's PIN, typed at the terminal or given as the first line of standard input.

Options:
  --rejected <codes>    the rejection codes to send again, comma-separated (e.g. UNSTORABLE)
  -c, --config <path>   find the agent's local API from its config
  --url <url>           or give the local API's address
  -h, --help            this help`;

const CODE = /^[A-Z0-9_]{1,64}$/;

/** What resend reads the PIN from: the process's stdin, or a stream in tests. */
export type ResendIo = CommandIo & { stdin?: Readable };

export const resendCommand = async (argv: string[], io: ResendIo): Promise<number> => {
  const { values } = parseArgs({
    args: argv,
    options: {
      rejected: { type: 'string' },
      config: { type: 'string', short: 'c' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const codes = (values.rejected ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (codes.length === 0)
    throw new UsageError('give the rejection codes to send again: --rejected UNSTORABLE');
  const bad = codes.find((c) => !CODE.test(c));
  if (bad !== undefined) throw new UsageError(`"${bad}" is not a rejection code (capitals, digits and _)`);
  const base = localApiAddress(values);
  const pin = await readPin(io.stdin ?? process.stdin, 'PIN petugas: ');

  const call = async (path: string, body: unknown, cookie?: string) => {
    const res = await fetch(new URL(path, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    return { res, json };
  };
  let unlock: Awaited<ReturnType<typeof call>>;
  try {
    unlock = await call('/page/unlock', { pin });
  } catch (error) {
    io.stderr(
      `kiosk-agent resend: the agent does not answer at ${base} (${(error as Error).message}); is it running?`,
    );
    return 1;
  }
  if (!unlock.res.ok) {
    io.stderr(`kiosk-agent resend: ${String(unlock.json['code'])}: ${String(unlock.json['message'])}`);
    return 1;
  }
  const cookie = unlock.res.headers.get('set-cookie')?.split(';')[0];
  try {
    const { res, json } = await call('/outbox/resend', { codes }, cookie);
    if (!res.ok) {
      io.stderr(`kiosk-agent resend: ${String(json['code'])}: ${String(json['message'])}`);
      return 1;
    }
    io.stdout(
      `sending again ${String(json['readings'])} readings and ${String(json['requests'])} screening requests rejected with ${codes.join(', ')}`,
    );
    return 0;
  } finally {
    // The session ends with the command, as a page's does when it locks.
    await call('/page/lock', {}, cookie).catch(() => undefined);
  }
};
