import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../bytes.js';
import { isDecodeError } from '../../errors.js';
import {
  answerToBadCommandLine,
  type GatewayCommand,
  type GatewayMessage,
  parseGatewayCommand,
  parseGatewayMessage,
} from './index.js';

// The cross-language vectors: the gateway firmware's C core checks the same file
// (examples/ble-gateway-esp32/test/vectors_test.c), so both sides read every line alike.
const FILE = fileURLToPath(new URL('../../../vectors/gateway-lines.jsonl', import.meta.url));

interface GatewayLineVector {
  id: string;
  direction: 'command' | 'message';
  line: string;
  expect: Record<string, unknown>;
}

const vectors: GatewayLineVector[] = readFileSync(FILE, 'utf8')
  .split('\n')
  .filter((text) => text.trim() !== '')
  .map((text) => JSON.parse(text));

/** The parsed value as the vectors write it: payloads as lower-case hex, absent fields left out. */
function plain(parsed: GatewayCommand | GatewayMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { ...parsed };
  if ('payload' in parsed) out['payload'] = toHex(parsed.payload).toLowerCase();
  return out;
}

function decodeErrorCode(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (isDecodeError(error)) return error.code;
    throw error;
  }
  throw new Error('the line decoded without an error');
}

describe('gateway line vectors (shared with the firmware core)', () => {
  it('holds commands and messages, good and damaged', () => {
    const kinds = new Set(vectors.map((v) => `${v.direction}:${'type' in v.expect ? 'good' : 'bad'}`));
    expect([...kinds].sort()).toEqual(['command:bad', 'command:good', 'message:bad', 'message:good']);
  });

  for (const vector of vectors) {
    it(`${vector.direction} ${vector.id}`, () => {
      const { expect: meaning, line } = vector;
      if (vector.direction === 'message') {
        if ('error' in meaning)
          expect(decodeErrorCode(() => parseGatewayMessage(line))).toBe(meaning['error']);
        else expect(plain(parseGatewayMessage(line))).toEqual(meaning);
        return;
      }
      if ('ignored' in meaning) {
        expect(line.startsWith('$')).toBe(false);
        return;
      }
      if ('answer' in meaning) {
        // The agent's codec refuses it, and the gateway's answer is the one the vector names.
        decodeErrorCode(() => parseGatewayCommand(line));
        expect(answerToBadCommandLine(line)).toEqual(meaning['answer']);
        return;
      }
      expect(plain(parseGatewayCommand(line))).toEqual(meaning);
    });
  }
});
