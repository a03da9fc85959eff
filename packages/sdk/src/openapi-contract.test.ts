// The SDK and docs/openapi.yaml cannot drift: an independent generator (openapi-typescript) turns
// the document into TypeScript, and the repository's TypeScript compiler checks that every SDK
// method's route and method are in it, named by the operation's id, with answers and requests
// that agree both ways (see testing/openapi-contract-source.ts for the directions and why).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contractSource } from './testing/openapi-contract-source.js';
import { type SdkOperation, sdkOperations } from './testing/sdk-operations.js';

const documentFile = fileURLToPath(new URL('../../../docs/openapi.yaml', import.meta.url));
const sdkEntry = fileURLToPath(new URL('./index.js', import.meta.url));
// The SDK's own compiler options (strict, exact optional properties, the DOM's fetch types).
const sdkConfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

/** The operations the SDK has no method for, and why. */
const NOT_SDK_METHODS: Record<string, string> = {
  tokenCreate: 'the client asks for its own tokens (internal/token.ts), so callers never do',
  signIn: "a person signs in on the clinic server's own sign-in page; the SDK signs in as an API client",
  signOut: "a person signs out on the clinic server's own pages; the SDK's client has no session",
  ownPasswordChange: "a person changes their own password in a session; the SDK's client has no session",
  accountsSetPassword:
    'not in the SDK yet: a PUT answered 204 without a body, which its request core does not send (use the API or `clinic-server account password`)',
};

type Document = {
  paths: Record<string, Record<string, { operationId?: string }>>;
};

/** `patients` + `create` → `patientsCreate`: how the document's operation ids name SDK methods. */
const operationIdOf = (op: SdkOperation) =>
  `${op.resource}${op.method[0]!.toUpperCase()}${op.method.slice(1)}`;

let dir: string;
let operations: SdkOperation[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openapi-contract-'));
  operations = await sdkOperations();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/openapi.yaml and the SDK', () => {
  it('name every operation the same: each operationId is the SDK method that sends it', () => {
    const doc = parse(readFileSync(documentFile, 'utf8')) as Document;
    const documented = Object.entries(doc.paths).flatMap(([route, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        key: `${method} ${route}`,
        id: operation.operationId,
      })),
    );
    const sdkNames = new Map<string, string[]>();
    for (const op of operations) {
      const key = `${op.httpMethod} ${op.route}`;
      sdkNames.set(key, [...(sdkNames.get(key) ?? []), operationIdOf(op)]);
    }
    // Every SDK method's operation is documented; a convenience method (findByNik) shares one.
    expect([...sdkNames.keys()].filter((key) => !documented.some((d) => d.key === key))).toEqual([]);
    const misnamed = documented.filter(
      (d) =>
        !(d.id && (sdkNames.get(d.key)?.includes(d.id) || (d.id in NOT_SDK_METHODS && !sdkNames.has(d.key)))),
    );
    expect(
      misnamed.map(
        (d) => `${d.key}: ${d.id ?? 'no operationId'} (SDK: ${sdkNames.get(d.key)?.join(', ') ?? 'none'})`,
      ),
    ).toEqual([]);
  });

  it('agree on every route, answer and request, as the TypeScript compiler checks them', async () => {
    // defaultNonNullable off: a request field with a default may be left out, as the server reads it.
    const generated = astToString(
      await openapiTS(new URL(`file://${documentFile}`), { defaultNonNullable: false }),
    );
    writeFileSync(join(dir, 'openapi.d.ts'), generated);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const contract = join(dir, 'contract.ts');
    writeFileSync(contract, contractSource(operations, sdkEntry));

    const config = ts.readConfigFile(sdkConfig, (f) => ts.sys.readFile(f));
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(sdkConfig));
    const program = ts.createProgram([contract], { ...options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const line = where && d.file ? d.file.text.split('\n')[where.line] : '';
      return `${d.file?.fileName ?? ''}:${(where?.line ?? 0) + 1} ${line?.trim()}\n  ${ts.flattenDiagnosticMessageText(d.messageText, '\n  ')}`;
    });
    expect(problems, problems.join('\n\n')).toEqual([]);
    // The contract checked something: a line per SDK method, and every answer schema.
    expect(operations.length).toBeGreaterThanOrEqual(29);
  }, 60_000);
});
