/** Marks every agent error, across copies of this module (ESM and CJS builds of one install). */
const AGENT_ERROR = Symbol.for('klinik-desa.kiosk-agent.error');

/**
 * The base of every error the agent throws on purpose: a stable `code` that callers, the CLI and
 * the kiosk page act on (the message is for people and may change), and whether trying the same
 * thing again later can succeed, so a caller can tell "wait and retry" from "fix something first".
 */
export abstract class AgentError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly [AGENT_ERROR] = true;
}

/** True for any `AgentError`, even one from another copy of this package. */
export function isAgentError(error: unknown): error is AgentError {
  return typeof error === 'object' && error !== null && AGENT_ERROR in error;
}
