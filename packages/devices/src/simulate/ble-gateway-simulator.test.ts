import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toBytes } from '../bytes.js';
import {
  encodeGatewayCommand,
  type GatewayMessage,
  parseGatewayMessage,
} from '../protocols/ble-gateway/index.js';
import { createGatewaySimulator } from './ble-gateway.js';

// The simulator answers as the firmware core does (docs/gateway-protocol.md, "For firmware authors").
const METER = 'A4:C1:38:00:00:01';

function answers(sim: ReturnType<typeof createGatewaySimulator>, text: string): GatewayMessage[] {
  return sim.onBytes(toBytes(text)).map((line) => parseGatewayMessage(line));
}

describe('gateway simulator answers', () => {
  it('answers every bad command line of the shared vectors as the firmware does', () => {
    const file = fileURLToPath(new URL('../../vectors/gateway-lines.jsonl', import.meta.url));
    const vectors = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { direction: string; line: string; expect: Record<string, unknown> });
    const bad = vectors.filter((v) => v.direction === 'command' && 'answer' in v.expect);
    expect(bad.length).toBeGreaterThan(5);
    for (const vector of bad) {
      const sim = createGatewaySimulator({ devices: [] });
      const [answer, ...rest] = answers(sim, vector.line);
      expect(rest).toEqual([]);
      expect(answer?.type).toBe('error');
      if (answer?.type !== 'error') continue;
      expect({ id: answer.id, code: answer.code }).toEqual(vector.expect['answer']);
    }
  });

  it('answers a line past the cap once with TOO_LONG and reads the next line', () => {
    const sim = createGatewaySimulator({ devices: [] });
    const long = `$${'A'.repeat(1300)}`;
    expect(answers(sim, long.slice(0, 700))).toEqual([]);
    expect(answers(sim, long.slice(700))).toEqual([
      { type: 'error', id: null, code: 'TOO_LONG', message: 'line longer than 1200 bytes' },
    ]);
    expect(answers(sim, `${'B'.repeat(2000)}\n`)).toEqual([]);
    expect(answers(sim, encodeGatewayCommand({ type: 'ping', id: 4 })).at(-1)).toEqual({ type: 'ok', id: 4 });
    // A whole line of 1,201 bytes before its LF, arriving at once.
    expect(answers(sim, `$${'C'.repeat(1200)}\n`)).toEqual([
      { type: 'error', id: null, code: 'TOO_LONG', message: 'line longer than 1200 bytes' },
    ]);
  });

  it('counts registered devices as watched and reports the time since boot', () => {
    let clock = 5_000;
    const sim = createGatewaySimulator({
      devices: [{ address: METER }, { address: 'A4:C1:38:00:00:02' }],
      now: () => clock,
    });
    clock += 42_900;
    expect(answers(sim, encodeGatewayCommand({ type: 'status', id: 1 }))[0]).toEqual({
      type: 'status',
      uptimeSeconds: 42,
      connected: 0,
      watched: 0,
    });
    answers(sim, encodeGatewayCommand({ type: 'connect', id: 2, address: METER }));
    answers(sim, encodeGatewayCommand({ type: 'connect', id: 3, address: 'A4:C1:38:00:00:09' }));
    expect(answers(sim, encodeGatewayCommand({ type: 'status', id: 4 }))[0]).toMatchObject({
      connected: 1,
      watched: 2,
    });
  });

  it('answers DISCONNECT of an unregistered device with NOT_FOUND', () => {
    const sim = createGatewaySimulator({ devices: [] });
    expect(answers(sim, encodeGatewayCommand({ type: 'disconnect', id: 7, address: METER }))).toEqual([
      { type: 'error', id: 7, code: 'NOT_FOUND', message: 'device not registered' },
    ]);
  });
});
