// docs/asyncapi.yaml is the MQTT contract other teams generate code and docs from: it must pass
// the AsyncAPI project's own parser (which runs its Spectral ruleset), with the payload schemas it
// points to in docs/schemas/ resolved from disk.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';

const file = fileURLToPath(new URL('../../../docs/asyncapi.yaml', import.meta.url));
const severity = ['error', 'warning', 'information', 'hint'];

/**
 * A parser that reads only files: a remote `$ref` is recorded and answered with an empty schema
 * instead of fetched, so the test runs offline and names any reference that would need the network.
 */
function offlineParser(remote: string[]): Parser {
  const refuse = (uri: { toString(): string }) => {
    remote.push(uri.toString());
    return '{}';
  };
  // order 1 runs before the parser's own http(s) readers, and a string answer ends the search.
  return new Parser({
    __unstable: {
      resolver: {
        resolvers: [
          { schema: 'http', order: 1, read: refuse },
          { schema: 'https', order: 1, read: refuse },
        ],
      },
    },
  });
}

describe('docs/asyncapi.yaml', () => {
  it('parses with @asyncapi/parser without an error, offline', async () => {
    expect(existsSync(file), `${file} is missing: docs/mqtt.md links to it`).toBe(true);
    const remote: string[] = [];
    const { document, diagnostics } = await offlineParser(remote).parse(readFileSync(file, 'utf8'), {
      source: file,
    });
    const lines = diagnostics.map(
      (d) => `${severity[d.severity]} ${d.code} at ${d.path.join('.') || '(root)'}: ${d.message}`,
    );
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.length, `AsyncAPI diagnostics:\n${lines.join('\n')}`).toBe(0);
    expect(remote, 'references that would be fetched from the network').toEqual([]);
    // The payloads are the files in docs/schemas/, read from disk: a reading has its properties.
    const reading = document?.channels().get('readings')?.messages().get('reading')?.payload();
    expect(Object.keys(reading?.properties() ?? {})).toContain('measuredAt');
  }, 60_000); // Spectral's ruleset: about 2 s alone, much more on a busy machine
});
