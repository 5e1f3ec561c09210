/**
 * JSON-RPC 2.0 framing: requests, notifications and batches in, responses out. Every failure
 * becomes a standard error object; nothing a client sends can throw past this point.
 */
import { HexError } from '../../primitives/bytes.js';
import { RpcError, SERVER_ERROR, INTERNAL_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, INVALID_PARAMS } from './errors.js';
import type { MethodTable, RpcContext, SubscriptionSink } from './context.js';
import { ChainError } from '../errors.js';
import { chainErrorToRpc } from './chain-errors.js';
import { RemoteRpcError, RemoteUnavailableError } from '../fork/remote.js';

export type RequestId = string | number | null;

export interface RpcResponse {
  jsonrpc: '2.0';
  id: RequestId;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

function errorResponse(id: RequestId, error: RpcError): RpcResponse {
  return { jsonrpc: '2.0', id, error: error.toJSON() };
}

/** Turns anything thrown into an RPC error. */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  if (error instanceof ChainError) return chainErrorToRpc(error);
  // A fork's remote failed a state read (unreachable, or without that block's state).
  if (error instanceof RemoteUnavailableError || error instanceof RemoteRpcError) return new RpcError(SERVER_ERROR, error.message);
  if (error instanceof HexError || error instanceof RangeError) return new RpcError(INVALID_PARAMS, `invalid params: ${error.message}`);
  const message = error instanceof Error ? error.message : String(error);
  return new RpcError(INTERNAL_ERROR, `internal error: ${message}`);
}

export class Dispatcher {
  constructor(
    readonly methods: MethodTable,
    readonly context: Omit<RpcContext, 'sink'>,
    /** Called with unexpected (internal) errors, for the operator's log. */
    readonly onInternalError: (error: unknown, method: string) => void = () => {},
  ) {}

  /** Told of each request's method before it runs (the node's log); unset, nothing is done. */
  onRequest: ((method: string) => void) | undefined;

  /** Runs one method; throws RpcError. */
  call(method: string, params: unknown, sink: SubscriptionSink | undefined): unknown {
    const handler = Object.prototype.hasOwnProperty.call(this.methods, method) ? this.methods[method] : undefined;
    if (!handler) throw new RpcError(METHOD_NOT_FOUND, `the method ${method.slice(0, 64)} does not exist/is not available`);
    if (params !== undefined && params !== null && !Array.isArray(params)) {
      throw new RpcError(INVALID_PARAMS, 'invalid params: params must be an array (named parameters are not supported)');
    }
    if (this.onRequest !== undefined) this.onRequest(method);
    try {
      return handler({ ...this.context, sink }, params);
    } catch (error) {
      const rpcError = toRpcError(error);
      if (rpcError.code === INTERNAL_ERROR) this.onInternalError(error, method);
      throw rpcError;
    }
  }

  /** One request object; undefined for a notification. */
  handleRequest(request: unknown, sink: SubscriptionSink | undefined): RpcResponse | undefined {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return errorResponse(null, new RpcError(INVALID_REQUEST, 'invalid request: expected a JSON-RPC request object'));
    }
    const r = request as Record<string, unknown>;
    const hasId = 'id' in r;
    const id = r.id;
    if (hasId && id !== null && typeof id !== 'string' && typeof id !== 'number') {
      return errorResponse(null, new RpcError(INVALID_REQUEST, 'invalid request: id must be a string, a number or null'));
    }
    const validId = (hasId ? id : null) as RequestId;
    if (r.jsonrpc !== undefined && r.jsonrpc !== '2.0') {
      return errorResponse(validId, new RpcError(INVALID_REQUEST, 'invalid request: jsonrpc must be "2.0"'));
    }
    if (typeof r.method !== 'string' || r.method.length === 0) {
      return errorResponse(validId, new RpcError(INVALID_REQUEST, 'invalid request: method must be a non-empty string'));
    }
    try {
      const result = this.call(r.method, r.params, sink);
      if (!hasId) return undefined;
      return { jsonrpc: '2.0', id: validId, result: result === undefined ? null : result };
    } catch (error) {
      if (!hasId) return undefined;
      return errorResponse(validId, toRpcError(error));
    }
  }

  /** A message as received (one request or a batch); undefined when nothing is to be sent back. */
  handleMessage(text: string, sink: SubscriptionSink | undefined): string | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return JSON.stringify(errorResponse(null, new RpcError(PARSE_ERROR, `parse error: ${(error as Error).message}`)));
    }
    return this.handleParsed(parsed, sink);
  }

  handleParsed(parsed: unknown, sink: SubscriptionSink | undefined): string | undefined {
    if (!Array.isArray(parsed)) {
      const response = this.handleRequest(parsed, sink);
      return response === undefined ? undefined : stringify(response);
    }
    if (parsed.length === 0) return JSON.stringify(errorResponse(null, new RpcError(INVALID_REQUEST, 'invalid request: empty batch')));
    const max = this.context.limits.maxBatch;
    if (parsed.length > max) {
      return JSON.stringify(
        errorResponse(
          null,
          new RpcError(INVALID_REQUEST, `invalid request: batch of ${parsed.length} requests exceeds the limit of ${max}`),
        ),
      );
    }
    const responses: string[] = [];
    for (const request of parsed) {
      const response = this.handleRequest(request, sink);
      if (response !== undefined) responses.push(stringify(response));
    }
    return responses.length === 0 ? undefined : `[${responses.join(',')}]`;
  }
}

/** JSON.stringify that cannot throw: a result that does not serialize is an internal error. */
function stringify(response: RpcResponse): string {
  try {
    return JSON.stringify(response);
  } catch (error) {
    return JSON.stringify(errorResponse(response.id, new RpcError(INTERNAL_ERROR, `internal error: ${(error as Error).message}`)));
  }
}
