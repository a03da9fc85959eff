import type { Readable } from 'node:stream';
import type { ReadStream } from 'node:tty';
import { UsageError } from '../cli-support.js';

/** The first line of a pipe (`echo 1234 | kiosk-agent ...`), trimmed. */
export async function firstLine(stdin: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 100) break;
  }
  return (text.split(/\r?\n/)[0] ?? '').trim();
}

/** Reads one line from the terminal with echo off (raw mode): the PIN never shows on screen. */
export function askHidden(tty: ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  tty.setRawMode(true);
  tty.resume();
  return new Promise((done, fail) => {
    let typed = '';
    const finish = (error?: Error) => {
      tty.off('data', onData);
      tty.setRawMode(false);
      tty.pause();
      process.stderr.write('\n');
      if (error) fail(error);
      else done(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new UsageError('cancelled; nothing was changed'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    tty.on('data', onData);
  });
}

/** The health worker's PIN: asked without echo at a terminal, else the first line of stdin. */
export function readPin(stdin: Readable, prompt: string): Promise<string> {
  return (stdin as ReadStream).isTTY ? askHidden(stdin as ReadStream, prompt) : firstLine(stdin);
}
