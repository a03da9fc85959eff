/** Something the packaging needs is missing or failed; `code` says what, the message how to fix it. */
export class PackagingError extends Error {
  override readonly name = 'PackagingError';
  constructor(
    readonly code:
      | 'COMMAND_FAILED'
      | 'NODE_UNAVAILABLE'
      | 'CROSS_COMPILER_MISSING'
      | 'UNKNOWN_SHARED_LIBRARY'
      | 'WRONG_ARCHITECTURE'
      | 'UNKNOWN_PACKAGE',
    message: string,
  ) {
    super(message);
  }
}
