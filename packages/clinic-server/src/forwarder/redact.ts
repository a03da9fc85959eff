/**
 * What the record keeps of SATUSEHAT's answer to a failed send. The answer is shown through the
 * API's `forwarding` field and sits in the database, so what SATUSEHAT echoes back (a patient's
 * NIK, our access token, a whole resource) must not be kept; what the operator needs to fix the
 * failure is the OperationOutcome's severity, code and diagnostics, and that is what is kept.
 */

/** The most a kept answer may take, serialized (about 2 KB). */
export const MAX_DETAIL_CHARS = 2048;
const MAX_ISSUES = 10;
const MAX_DIAGNOSTICS_CHARS = 400;

const REDACTIONS: readonly [RegExp, string][] = [
  // Whatever follows a token or secret field name: its value, and anything after it, is dropped.
  [/(access_token|refresh_token|client_secret)[\s\S]*/gi, '$1 [redacted]'],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]'],
  // A JWT: two or three base64url parts, the first a JSON header ("eyJ").
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, '[redacted token]'],
  // A NIK (16 digits), not part of a longer number.
  [/(?<!\d)\d{16}(?!\d)/g, '[redacted NIK]'],
];

/** The text with NIK-like numbers, bearer tokens, JWTs and token fields' values replaced. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out;
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface KeptIssue {
  severity?: string;
  code?: string;
  diagnostics?: string;
  expression?: string[];
}

function keptIssue(issue: unknown, diagnosticsMax: number): KeptIssue {
  const i = (issue ?? {}) as Record<string, unknown>;
  const text = (v: unknown, max: number) => (typeof v === 'string' ? bounded(redactText(v), max) : undefined);
  const kept: KeptIssue = {};
  const severity = text(i['severity'], 20);
  const code = text(i['code'], 40);
  const diagnostics = text(i['diagnostics'], diagnosticsMax);
  if (severity) kept.severity = severity;
  if (code) kept.code = code;
  if (diagnostics) kept.diagnostics = diagnostics;
  if (Array.isArray(i['expression'])) {
    kept.expression = i['expression'].slice(0, 3).flatMap((e) => text(e, 100) ?? []);
  }
  return kept;
}

function isOperationOutcome(body: unknown): body is { resourceType: 'OperationOutcome'; issue: unknown[] } {
  const b = body as { resourceType?: unknown; issue?: unknown } | null;
  return (
    typeof b === 'object' && b !== null && b.resourceType === 'OperationOutcome' && Array.isArray(b.issue)
  );
}

/**
 * SATUSEHAT's answer as the record keeps it: an OperationOutcome reduced to its issues' severity,
 * code, diagnostics and expression, redacted; anything else as redacted text. Never more than
 * `MAX_DETAIL_CHARS` once serialized.
 */
export function redactSatusehatAnswer(body: unknown): unknown {
  if (body === undefined || body === null) return null;
  if (isOperationOutcome(body)) {
    for (let max = MAX_DIAGNOSTICS_CHARS; max >= 50; max = Math.floor(max / 2)) {
      const kept = {
        resourceType: 'OperationOutcome',
        issue: body.issue.slice(0, MAX_ISSUES).map((i) => keptIssue(i, max)),
        ...(body.issue.length > MAX_ISSUES ? { issuesLeftOut: body.issue.length - MAX_ISSUES } : {}),
      };
      if (JSON.stringify(kept).length <= MAX_DETAIL_CHARS) return kept;
    }
    return { resourceType: 'OperationOutcome', issue: body.issue.slice(0, 3).map((i) => keptIssue(i, 50)) };
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  // The JSON string's quotes and escapes count too: bounded again until it fits.
  let kept = bounded(redactText(text), MAX_DETAIL_CHARS - 2);
  while (JSON.stringify(kept).length > MAX_DETAIL_CHARS) kept = bounded(kept, kept.length - 64);
  return kept;
}
