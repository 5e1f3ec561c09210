/**
 * JSON-RPC 2.0 framing: requests, notifications and batches in, responses out. Every failure
 * becomes a standard error object; nothing a client sends can throw past this point.
 *
 * Methods answer synchronously, except those that hand work to another thread (the tracing
 * methods, with trace workers), which return a promise: only then is anything awaited, and
 * `handleMessage` returns a promise of the reply; a batch keeps its order either way.
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

/** What a method or a message answers: at once, or (a method that runs elsewhere) later. */
export type MaybePromise<T> = T | Promise<T>;

/** Whether a value is a promise (a method's result that is still on its way). */
export function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
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

  /**
   * The context of a request without a subscription sink (every HTTP request): made once, not
   * copied per request (methods only read their context).
   */
  #withoutSink: RpcContext | undefined;

  #contextFor(sink: SubscriptionSink | undefined): RpcContext {
    if (sink !== undefined) return { ...this.context, sink };
    return (this.#withoutSink ??= { ...this.context, sink: undefined });
  }

  /** Runs one method; throws RpcError, or returns a promise that rejects with one. */
  call(method: string, params: unknown, sink: SubscriptionSink | undefined): unknown {
    const handler = Object.prototype.hasOwnProperty.call(this.methods, method) ? this.methods[method] : undefined;
    if (!handler) throw new RpcError(METHOD_NOT_FOUND, `the method ${method.slice(0, 64)} does not exist/is not available`);
    if (params !== undefined && params !== null && !Array.isArray(params)) {
      throw new RpcError(INVALID_PARAMS, 'invalid params: params must be an array (named parameters are not supported)');
    }
    if (this.onRequest !== undefined) this.onRequest(method);
    try {
      const result = handler(this.#contextFor(sink), params);
      if (isPromise(result)) return result.catch((error: unknown) => this.#fail(error, method));
      return result;
    } catch (error) {
      return this.#fail(error, method);
    }
  }

  #fail(error: unknown, method: string): never {
    const rpcError = toRpcError(error);
    if (rpcError.code === INTERNAL_ERROR) this.onInternalError(error, method);
    throw rpcError;
  }

  /** One request object; undefined for a notification. */
  handleRequest(request: unknown, sink: SubscriptionSink | undefined): MaybePromise<RpcResponse | undefined> {
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
    const answer = (result: unknown): RpcResponse | undefined =>
      hasId ? { jsonrpc: '2.0', id: validId, result: result === undefined ? null : result } : undefined;
    const failure = (error: unknown): RpcResponse | undefined => (hasId ? errorResponse(validId, toRpcError(error)) : undefined);
    try {
      const result = this.call(r.method, r.params, sink);
      return isPromise(result) ? result.then(answer, failure) : answer(result);
    } catch (error) {
      return failure(error);
    }
  }

  /** Messages received so far (the node warms up once they stop coming for a while). */
  messages = 0;

  /** A message as received (one request or a batch); undefined when nothing is to be sent back. */
  handleMessage(text: string, sink: SubscriptionSink | undefined): MaybePromise<string | undefined> {
    this.messages++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return JSON.stringify(errorResponse(null, new RpcError(PARSE_ERROR, `parse error: ${(error as Error).message}`)));
    }
    return this.handleParsed(parsed, sink);
  }

  handleParsed(parsed: unknown, sink: SubscriptionSink | undefined): MaybePromise<string | undefined> {
    if (!Array.isArray(parsed)) {
      const response = this.handleRequest(parsed, sink);
      return isPromise(response) ? response.then(serialize) : serialize(response);
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
    // Each request runs as it comes; those answered later keep their place in the reply.
    const responses = parsed.map((request) => this.handleRequest(request, sink));
    if (responses.some(isPromise)) return Promise.all(responses).then(joinBatch);
    return joinBatch(responses as (RpcResponse | undefined)[]);
  }
}

function serialize(response: RpcResponse | undefined): string | undefined {
  return response === undefined ? undefined : stringify(response);
}

function joinBatch(responses: readonly (RpcResponse | undefined)[]): string | undefined {
  const texts: string[] = [];
  for (const response of responses) if (response !== undefined) texts.push(stringify(response));
  return texts.length === 0 ? undefined : `[${texts.join(',')}]`;
}

/** JSON.stringify that cannot throw: a result that does not serialize is an internal error. */
function stringify(response: RpcResponse): string {
  try {
    return JSON.stringify(response);
  } catch (error) {
    return JSON.stringify(errorResponse(response.id, new RpcError(INTERNAL_ERROR, `internal error: ${(error as Error).message}`)));
  }
}
