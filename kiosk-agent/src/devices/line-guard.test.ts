import { Readable } from 'node:stream';
import { ReadlineParser } from '@serialport/parser-readline';
import { describe, expect, it } from 'vitest';
import { LineGuard } from './line-guard.js';

// Collected from 'data' events, as the agent does: the parser's readable side is not in object
// mode, so async iteration would join lines that were buffered together.
async function lines(chunks: string[], max: number): Promise<string[]> {
  const out: string[] = [];
  const parser = Readable.from(chunks.map((c) => Buffer.from(c, 'latin1')))
    .pipe(new LineGuard(Buffer.from('\n'), max))
    .pipe(new ReadlineParser({ delimiter: '\n', encoding: 'latin1' }));
  parser.on('data', (line: string) => out.push(line));
  await new Promise((resolve) => parser.on('end', resolve));
  return out;
}

describe('LineGuard', () => {
  it('passes normal lines through unchanged, however they are chunked', async () => {
    const text = 'ST,+00062.45 kg\r\nUS,+00061.00 kg\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await lines([text.slice(0, cut), text.slice(cut)], 64)).toEqual([
        'ST,+00062.45 kg\r',
        'US,+00061.00 kg\r',
      ]);
    }
  });

  it('cuts a run without delimiter into pieces no longer than the cap', async () => {
    const out = await lines(['x'.repeat(250), 'y'.repeat(10), '\nok\n'], 100);
    expect(out.every((l) => l.length <= 100)).toBe(true);
    expect(out.join('')).toBe('x'.repeat(250) + 'y'.repeat(10) + 'ok');
    expect(out.at(-1)).toBe('ok');
  });

  it('refuses nonsense options at once', () => {
    expect(() => new LineGuard(Buffer.alloc(0), 10)).toThrow(/delimiter/);
    expect(() => new LineGuard(Buffer.from('\n'), 0)).toThrow(/maxLineBytes/);
  });
});
