import { spawnSync } from 'node:child_process';
import {
  answerToBadCommandLine,
  crc16,
  encodeGatewayCommand,
  type GatewayCommand,
  type GatewayMessage,
  parseGatewayCommand,
  parseGatewayMessage,
} from '@klinik-desa/devices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewayCore, type GatewayCoreBuild } from '../src/gateway-core-build.js';

// Each side encodes, the other decodes: the gateway firmware's C core (gw_lines, a filter over its
// codec) against the agent's TypeScript codec, on seeded random lines, damaged ones included.
const SEED = 0x6b64;
const LINES = 20_000;

let build: GatewayCoreBuild;
beforeAll(() => {
  build = buildGatewayCore(['gw_lines']);
}, 120_000);
afterAll(() => build?.remove());

function gwLines(args: string[], input = ''): string {
  const result = spawnSync(build.program('gw_lines'), args, {
    input: Buffer.from(input, 'latin1'),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`gw_lines ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.toString('utf8');
}

/** mulberry32: small, seeded, the same on every run. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** As JSON has it: payloads as lower-case hex, -0 as 0. */
function plain(parsed: GatewayCommand | GatewayMessage): unknown {
  const out: Record<string, unknown> = { ...parsed };
  if ('payload' in parsed) out['payload'] = Buffer.from(parsed.payload).toString('hex');
  return JSON.parse(JSON.stringify(out));
}

describe('the firmware core and the agent codec agree', () => {
  it('the core writes gateway lines the agent reads to the same meaning', () => {
    const records = gwLines(['emit', String(SEED), String(LINES)])
      .split('\r\n')
      .slice(0, -1);
    expect(records).toHaveLength(LINES);
    for (const record of records) {
      const tab = record.indexOf('\t');
      const meaning = JSON.parse(record.slice(0, tab));
      const line = record.slice(tab + 1);
      // The core wrote UTF-8 text escaped byte by byte; the line itself is ASCII.
      expect(plain(parseGatewayMessage(line)), line).toEqual(meaning);
    }
  });

  it('the core reads agent commands, good and damaged, as the agent codec does', () => {
    const next = random(SEED);
    const hex = (bytes: number) =>
      Array.from({ length: bytes }, () => next(256).toString(16).padStart(2, '0')).join('');
    const address = () => Array.from({ length: 6 }, () => hex(1).toUpperCase()).join(':');
    const uuid = () =>
      next(2) === 0 ? hex(2) : `${hex(4)}-${hex(2)}-${hex(2)}-${hex(2)}-${hex(6)}`.replace(/^../, 'f0');
    const command = (): GatewayCommand => {
      const id = next(65536);
      switch (next(8)) {
        case 0:
          return { type: 'ping', id };
        case 1:
          return { type: 'status', id };
        case 2:
          return { type: 'scan', id, seconds: 1 + next(300) };
        case 3:
          return next(2) === 0
            ? { type: 'connect', id, address: address() }
            : { type: 'connect', id, address: address(), addressType: next(2) === 0 ? 'public' : 'random' };
        case 4:
          return {
            type: 'write',
            id,
            address: address(),
            service: uuid(),
            characteristic: uuid(),
            payload: Buffer.from(hex(next(8) === 0 ? next(200) : next(20)), 'hex'),
          };
        case 5:
          return { type: 'disconnect', id, address: address() };
        default:
          return {
            type: next(2) === 0 ? 'subscribe' : 'read',
            id,
            address: address(),
            service: uuid(),
            characteristic: uuid(),
          };
      }
    };
    // Damage the body, then frame it again with a correct CRC, so the fields are what differs.
    // Whitespace and "x" stay out: the agent codec forgives " 2A52" and "0x2A52" in UUIDs, which no
    // gateway is asked to read (the page allows four hex digits or the 36-character form).
    const ALPHABET = `,,,,-:0123456789ABCDEFabcdefPINGSTAUCOWRDBpublicrandom%*$\u0080\u00ff`;
    const damage = (line: string): string => {
      const body = line.slice(1, line.lastIndexOf('*')).split('');
      for (let m = 1 + next(3); m > 0 && body.length > 0; m--) {
        const at = next(body.length);
        const char = ALPHABET[next(ALPHABET.length)] ?? ',';
        const kind = next(3);
        if (kind === 0) body[at] = char;
        else if (kind === 1) body.splice(at, 1);
        else body.splice(at, 0, char);
      }
      const text = body.join('');
      const crc = crc16(Buffer.from(text, 'latin1')).toString(16).toUpperCase().padStart(4, '0');
      return next(10) === 0 ? `$${text}*${crc === 'FFFF' ? '0000' : 'FFFF'}\r\n` : `$${text}*${crc}\r\n`;
    };
    const lines = Array.from({ length: LINES }, () => {
      const line = encodeGatewayCommand(command());
      return next(2) === 0 ? line : damage(line);
    });
    const answers = gwLines(['parse'], lines.join('')).trim().split('\n');
    expect(answers).toHaveLength(LINES);
    let refused = 0;
    lines.forEach((line, i) => {
      let expected: unknown;
      try {
        expected = plain(parseGatewayCommand(line));
      } catch {
        expected = { answer: answerToBadCommandLine(line) };
        refused++;
      }
      expect(JSON.parse(answers[i] ?? 'null'), JSON.stringify(line)).toEqual(expected);
    });
    expect(refused).toBeGreaterThan(LINES / 10);
    expect(refused).toBeLessThan(LINES - LINES / 10);
  });
});
