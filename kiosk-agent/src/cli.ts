#!/usr/bin/env node
import { main } from './cli-main.js';
import type { CommandIo } from './cli-support.js';

const io: CommandIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.stderr(`kiosk-agent: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
