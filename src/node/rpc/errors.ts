/** JSON-RPC 2.0 errors, with the codes Ethereum clients expect (EIP-1474, geth's revert code 3). */

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
/** Server errors (geth's choice for rejected transactions and failed calls). */
export const SERVER_ERROR = -32000;
export const RESOURCE_NOT_FOUND = -32001;
export const TRANSACTION_REJECTED = -32003;
export const LIMIT_EXCEEDED = -32005;
/** geth: a call or estimate that reverted, with the revert data in `data`. */
export const EXECUTION_REVERTED = 3;

export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export function invalidParams(message: string): RpcError {
  return new RpcError(INVALID_PARAMS, `invalid params: ${message}`);
}

export function serverError(message: string, data?: unknown): RpcError {
  return new RpcError(SERVER_ERROR, message, data);
}
