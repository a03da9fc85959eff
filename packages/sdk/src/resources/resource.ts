import { nikProblem } from '@klinik-desa/protocol/nik';
import { InvalidArgumentError } from '../core/errors.js';
import type { RequestSender } from '../core/request.js';

/** A group of API operations; methods are thin: they describe the request, the client sends it. */
export abstract class APIResource {
  protected readonly _client: RequestSender;
  constructor(client: RequestSender) {
    this._client = client;
  }
}

/** A path parameter, escaped; an empty one would silently address another route. */
export function segment(name: string, value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidArgumentError(name, `give the ${name} as a non-empty string`);
  }
  return encodeURIComponent(value);
}

/**
 * Refuses a malformed NIK before it leaves the device. The message names the rule broken, never
 * the digits: a NIK is personal data and error messages end up in logs.
 */
export function checkNik(nik: unknown, field = 'nik'): void {
  const problem = typeof nik === 'string' ? nikProblem(nik) : 'a NIK is a string of 16 digits';
  if (problem) throw new InvalidArgumentError(field, problem, 'INVALID_NIK');
}
