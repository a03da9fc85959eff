// The TypeScript source that holds the SDK to the OpenAPI document: it imports the types that
// openapi-typescript generated from docs/openapi.yaml (`./openapi.js`) and the SDK's own, and each
// of its lines compiles only if the two agree. Built at test time from the SDK's operations, so a
// new method is checked without anyone writing a line for it.
import type { SdkOperation } from './sdk-operations.js';

/**
 * Directions, and why:
 * - An answer the document describes must be accepted where the SDK types it (document → SDK): a
 *   caller may rely on every field the SDK promises, so the document must promise it too. The
 *   reverse is checked as well (SDK → document), so the SDK promises no field or value the
 *   document does not.
 * - A request the SDK lets a caller build must be one the document accepts (SDK → document), and
 *   everything the document accepts must be sayable through the SDK (document → SDK).
 * Both sides are compared as JSON carries them: a key set to `undefined` is left out, and a
 * boolean in a query string is the text `true` or `false` (the SDK sends `String(value)`).
 */
const HELPERS = `
type Schemas = components['schemas'];
/** A value as JSON carries it: a key whose value is undefined is not sent at all. */
type Json<T> = T extends string | number | boolean | null
  ? T
  : T extends readonly (infer E)[]
    ? Json<E>[]
    : T extends object
      ? { [K in keyof T]: Json<Exclude<T[K], undefined>> }
      : T;
/** A value as a query string carries it: the SDK writes each value with String(). */
type Query<T> = { [K in keyof T]: QueryValue<Exclude<T[K], undefined>> };
type QueryValue<V> = V extends boolean ? \`\${V}\` : V;
/** The JSON body of an operation's success answer (200 or 201). */
type SuccessBody<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 ? (R[S] extends { content: { 'application/json': infer B } } ? B : never) : never }[keyof R]
  : never;
/** The JSON body an operation takes; never when it takes none. */
type RequestBody<O> = O extends { requestBody?: infer B }
  ? [NonNullable<B>] extends [never] ? never : NonNullable<B> extends { content: { 'application/json': infer J } } ? J : never
  : never;
/** The query parameters an operation takes. */
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** The object argument of an SDK method (its params), never when it has none. */
type ParamsOf<F> = F extends (...args: infer A) => unknown ? NotOptions<Exclude<A[number], string | undefined>> : never;
type NotOptions<X> = X extends unknown
  ? [sdk.RequestOptions] extends [X] ? ([X] extends [sdk.RequestOptions] ? never : X) : X
  : never;
/** Paging goes in the query string, never in a body. */
type WithoutPaging<P> = P extends unknown ? Omit<P, 'limit' | 'cursor'> : never;
/** What an SDK method sends as its body. */
type BodyOf<F> = Json<WithoutPaging<ParamsOf<F>>>;
/**
 * What an SDK method lets a caller give for a body; anything when it takes no params (a convenience
 * method). A body the document lets be null is one the SDK sends as \`{}\`, so null is left aside.
 */
type BodyParamsOf<F> = [ParamsOf<F>] extends [never] ? unknown : WithoutPaging<ParamsOf<F>>;
type Client = sdk.ClinicClient;
/**
 * Every key, and every key of the objects inside, by its path (\`.practitioner.ihsNumber\`, \`.data[].id\`).
 * Assignability alone lets an optional field be renamed on one side (an object may have more keys
 * than its type names), so the keys are compared as well.
 */
type KeyPaths<T, P extends string = ''> = T extends readonly (infer E)[]
  ? KeyPaths<E, \`\${P}[]\`>
  : T extends object
    ? { [K in keyof T & string]-?: \`\${P}.\${K}\` | KeyPaths<Exclude<T[K], undefined | null>, \`\${P}.\${K}\`> }[keyof T & string]
    : never;
/** \`true\` when both name the same keys; otherwise what only one of them has, which \`true\` is not. */
type SameKeys<Doc, Sdk> = [Exclude<KeyPaths<Doc>, KeyPaths<Sdk>>, Exclude<KeyPaths<Sdk>, KeyPaths<Doc>>] extends [never, never]
  ? true
  : { onlyInDocument: Exclude<KeyPaths<Doc>, KeyPaths<Sdk>>; onlyInSdk: Exclude<KeyPaths<Sdk>, KeyPaths<Doc>> };
/** A type the document must give: where it gives none, a message that no value is assignable to or from. */
type Given<T, What extends string> = [T] extends [never] ? \`the document gives no \${What}\` : T;
`;

/** Names the schemas, and the SDK types beside them, that no single operation's answer covers. */
const SHARED_SCHEMAS: readonly (readonly [schema: string, sdkType: string])[] = [
  ['Practitioner', 'sdk.Practitioner'],
  ['Forwarding', 'sdk.Forwarding'],
];

/** The contract's source, for a file beside `openapi.d.ts` (the generated types). */
export function contractSource(operations: readonly SdkOperation[], sdkEntry: string): string {
  const lines = [
    '// Generated at test time by packages/sdk/src/openapi-contract.test.ts: each line compiles only if',
    '// docs/openapi.yaml and the SDK agree.',
    "import type { components, paths } from './openapi.js';",
    `import type * as sdk from ${JSON.stringify(sdkEntry)};`,
    HELPERS,
    '// Every answer the SDK can check, by its schema name: a name the document lacks is an error here.',
    'type DocAnswers = { [K in keyof sdk.ResponseTypes]: Schemas[K] };',
    'export const answersFromDocument = (doc: DocAnswers): sdk.ResponseTypes => doc;',
    'export const answersFromSdk = (answer: { [K in keyof sdk.ResponseTypes]: Json<sdk.ResponseTypes[K]> }): DocAnswers => answer;',
    'export const answerKeys: { [K in keyof sdk.ResponseTypes]: SameKeys<Schemas[K], Json<sdk.ResponseTypes[K]>> } =',
    '  {} as { [K in keyof sdk.ResponseTypes]: true };',
    '',
    "// The error body's code: the document leaves room for codes added later, and so does an APIError's.",
    "export const errorCodesFromDocument = (code: Schemas['ApiError']['code']): sdk.APIError['code'] => code;",
    "export const errorCodesFromSdk = (code: sdk.ApiErrorCode): Schemas['ApiError']['code'] => code;",
    '',
  ];
  for (const [schema, sdkType] of SHARED_SCHEMAS) {
    lines.push(
      `export const ${schema}FromDocument = (doc: Schemas['${schema}']): ${sdkType} => doc;`,
      `export const ${schema}FromSdk = (value: Json<${sdkType}>): Schemas['${schema}'] => value;`,
      `export const ${schema}Keys: SameKeys<Schemas['${schema}'], Json<${sdkType}>> = true;`,
    );
  }
  operations.forEach((op, i) => {
    const o = `Op${i}`;
    const method = `Client['${op.resource}']['${op.method}']`;
    lines.push(
      '',
      `// ${op.resource}.${op.method}: ${op.httpMethod.toUpperCase()} ${op.route}, answering ${op.schema}`,
      `type ${o} = paths['${op.route}']['${op.httpMethod}'];`,
      `export const op${i}Answer = (doc: Given<SuccessBody<${o}>, 'JSON answer'>): sdk.ResponseTypes['${op.schema}'] => doc;`,
    );
    if (op.sends === 'body') {
      lines.push(
        `export const op${i}Body = (body: BodyOf<${method}>): Given<RequestBody<${o}>, 'JSON body'> => body;`,
        `export const op${i}BodyKeys: [ParamsOf<${method}>] extends [never] ? true : SameKeys<NonNullable<RequestBody<${o}>>, BodyOf<${method}>> = true;`,
        `export const op${i}BodyAccepted = (doc: Given<NonNullable<RequestBody<${o}>>, 'JSON body'>): BodyParamsOf<${method}> => doc;`,
      );
    } else if (op.sends === 'query') {
      lines.push(
        `export const op${i}Query = (query: Query<ParamsOf<${method}>>): Given<QueryOf<${o}>, 'query'> => query;`,
        `export const op${i}QueryKeys: SameKeys<QueryOf<${o}>, Query<ParamsOf<${method}>>> = true;`,
        `export const op${i}QueryAccepted = (doc: Given<QueryOf<${o}>, 'query'>): Query<ParamsOf<${method}>> => doc;`,
      );
    } else {
      lines.push(
        `export const op${i}TakesNoBody: [RequestBody<${o}>] extends [never] ? true : false = true;`,
      );
    }
  });
  return `${lines.join('\n')}\n`;
}
