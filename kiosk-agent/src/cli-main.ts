import type { Command, CommandIo } from './cli-support.js';
import { UsageError } from './cli-support.js';
import { ConfigError } from './config/config.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: {
    summary: 'run the agent: read devices, keep the outbox, publish readings',
    load: async () => (await import('./commands/start.js')).startCommand,
  },
  decode: {
    summary: 'decode one frame and print the measurement as JSON',
    load: async () => (await import('./commands/decode.js')).decodeCommand,
  },
  protocols: {
    summary: 'list the device protocols this agent understands',
    load: async () => (await import('./commands/protocols.js')).protocolsCommand,
  },
  'check-config': {
    summary: 'check a kiosk config: every bad key with its fix',
    load: async () => (await import('./commands/check-config.js')).checkConfigCommand,
  },
  'set-pin': {
    summary: "set the health worker's PIN that unlocks the kiosk page",
    load: async () => (await import('./commands/set-pin.js')).setPinCommand,
  },
  ports: {
    summary: 'list serial ports with their USB ids (works without udevadm)',
    load: async () => (await import('./commands/ports.js')).portsCommand,
  },
  status: {
    summary: 'ask the running agent how it is',
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  resend: {
    summary: 'send again the readings the clinic rejected with given codes (UNSTORABLE)',
    load: async () => (await import('./commands/resend.js')).resendCommand,
  },
  'new-driver': {
    summary: 'create a device driver package: decoder, simulator, tests that pass',
    load: async () => (await import('./commands/new-driver.js')).newDriverCommand,
  },
  simulate: {
    summary: 'play a device on a serial port or TCP port (tests, demos)',
    load: async () => (await import('./commands/simulate.js')).simulateCommand,
  },
};

function usage(): string {
  const lines = ['Usage: kiosk-agent <command> [options]', '', 'Commands:'];
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${summary}`);
  lines.push('', 'Run `kiosk-agent <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`kiosk-agent: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  try {
    return await (await entry.load())(rest, io);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr(`kiosk-agent ${name}: ${(error as Error).message}`);
      return 2;
    }
    if (error instanceof Error && typeof code === 'string') {
      // Typed errors (OUTBOX_LOCKED, UNKNOWN_PROTOCOL...) are expected situations: one line, no stack.
      io.stderr(`kiosk-agent ${name}: ${code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
