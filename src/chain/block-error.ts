/**
 * Why a block is invalid: a `BlockException.NAME` or `TransactionException.NAME` code, named as
 * execution-spec-tests name them, with a message saying what was found.
 */
export class InvalidBlockError extends Error {
  override name = 'InvalidBlockError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export function invalidBlock(name: string, message: string): InvalidBlockError {
  return new InvalidBlockError(`BlockException.${name}`, message);
}
