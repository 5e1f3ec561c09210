/**
 * JSON-RPC over HTTP (POST) and WebSocket on one port. Bodies and messages over the size
 * limit, malformed JSON and bad requests get standard JSON-RPC errors; the server never lets a
 * request throw.
 *
 * The port is a node:net server's: the common request (a keep-alive POST) is read and answered
 * by http-fast.ts, every other request and connection is node:http's (handed over with its bytes).
 *
 * node:http is loaded when a server starts, so the in-memory node bundles for a browser, and ws
 * on the first WebSocket upgrade.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { nodeBuiltin, nodeModule, nodeOnly } from '../primitives/node-require.js';
import type { PolyvmNode } from './node.js';
import type { SubscriptionSink } from './rpc/context.js';
import { INVALID_REQUEST, PARSE_ERROR } from './rpc/errors.js';
import { isPromise, type MaybePromise } from './rpc/dispatch.js';
import { serveFast, type FastPath } from './http-fast.js';

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
  /** Loads the WebSocket server now rather than on the first upgrade (PolyvmNode.warmUp). */
  loadWebSockets(): void;
}

/** The headers of JSON answers and of CORS preflights, for an allowed origin (or none: no CORS). */
function headersFor(origin: string | undefined): { json: Record<string, string>; preflight: Record<string, string> } {
  if (origin === undefined) return { json: { 'content-type': 'application/json' }, preflight: {} };
  return {
    json: { 'content-type': 'application/json', 'access-control-allow-origin': origin },
    preflight: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST, GET, OPTIONS',
      'access-control-allow-headers': 'content-type, authorization',
      'access-control-max-age': '86400',
    },
  };
}

/** How long an idle keep-alive connection stays open. */
const KEEP_ALIVE_MS = 60_000;

function errorBody(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } });
}

export interface ServerOptions {
  port?: number;
  host?: string;
  /** The origin browsers may call from (Access-Control-Allow-Origin): default "*"; null: no CORS headers. */
  allowOrigin?: string | null;
}

/** Hands `handle`'s reply to `send`, at once or when it comes; a failure becomes an internal error. */
function reply(handle: () => MaybePromise<string | undefined>, send: (body: string | undefined) => void): void {
  const internal = (error: unknown) => errorBody(-32603, `internal error: ${(error as Error)?.message ?? error}`);
  let body: MaybePromise<string | undefined>;
  try {
    body = handle();
  } catch (error) {
    body = internal(error);
  }
  if (isPromise(body)) body.then(send, (error: unknown) => send(internal(error)));
  else send(body);
}

export function startServer(node: PolyvmNode, options: ServerOptions): Promise<RunningServer> {
  const feature = 'listen (the HTTP and WebSocket server)';
  const { createServer } = nodeOnly(nodeBuiltin<typeof import('node:http')>('node:http'), feature);
  const host = options.host ?? '127.0.0.1';
  const maxBody = node.limits.maxBodyBytes;
  const dispatcher = node.dispatcher;
  const { json: JSON_HEADERS, preflight: CORS_HEADERS } = headersFor(
    options.allowOrigin === null ? undefined : (options.allowOrigin ?? '*'),
  );

  const handleHttp = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    if (req.method !== 'POST') {
      res
        .writeHead(405, { ...JSON_HEADERS, allow: 'POST, OPTIONS' })
        .end(errorBody(INVALID_REQUEST, 'invalid request: send JSON-RPC with POST'));
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (declared > maxBody) {
      res
        .writeHead(413, { ...JSON_HEADERS, connection: 'close' })
        .end(errorBody(INVALID_REQUEST, `invalid request: body of ${declared} bytes exceeds the limit of ${maxBody}`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBody) {
        tooLarge = true;
        chunks.length = 0;
        res
          .writeHead(413, { ...JSON_HEADERS, connection: 'close' })
          .end(errorBody(INVALID_REQUEST, `invalid request: body exceeds the limit of ${maxBody} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    const send = (body: string | undefined): void => {
      if (body === undefined) {
        res.writeHead(204, JSON_HEADERS).end();
        return;
      }
      // With a content length the head and the body go out in one write (no chunked encoding).
      res.writeHead(200, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body) }).end(body);
    };
    req.on('end', () => {
      if (tooLarge) return;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      reply(() => dispatcher.handleMessage(text, undefined), send);
    });
    req.on('error', () => res.destroy());
  };

  // node:http serves what the fast path (http-fast.ts) hands it; the port is the net server's.
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_MS }, handleHttp);
  const { createServer: createNetServer } = nodeOnly(nodeBuiltin<typeof import('node:net')>('node:net'), feature);
  /** Connections still on the fast path (node:http tracks the others). */
  const fastSockets = new Set<Socket>();
  const fast: FastPath = {
    answer: (body, send) => reply(() => dispatcher.handleMessage(body, undefined), send),
    headerLines: Object.entries(JSON_HEADERS)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join(''),
    maxBody,
    keepAliveMs: KEEP_ALIVE_MS,
    handOff(socket, pending) {
      fastSockets.delete(socket);
      if (pending !== undefined) socket.unshift(pending);
      server.emit('connection', socket);
    },
  };
  // As node:http's own: half-open connections allowed (it answers, then closes), no Nagle delay.
  const listener = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    fastSockets.add(socket);
    socket.once('close', () => fastSockets.delete(socket));
    serveFast(socket, fast);
  });
  // node:http tracks its connections (timeouts, closeAllConnections) from its 'listening' event;
  // it never listens itself.
  server.emit('listening');
  const sockets = new Set<WebSocket>();
  // ws is loaded on the first WebSocket upgrade, or when the node has warmed up (PolyvmNode.warmUp).
  let wss: WebSocketServer | undefined;
  const webSockets = (): WebSocketServer => {
    if (wss === undefined) {
      const ws = nodeOnly(nodeModule<typeof import('ws')>(import.meta.url, 'ws'), 'WebSocket');
      // ws closes a connection whose message exceeds maxPayload; below that, oversized messages
      // get a JSON-RPC error like HTTP bodies do.
      wss = new ws.WebSocketServer({ noServer: true, maxPayload: maxBody * 2 + 1024 });
      wss.on('error', () => {});
    }
    return wss;
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    let upgrading;
    try {
      upgrading = webSockets();
    } catch (error) {
      socket.end(`HTTP/1.1 500 Internal Server Error\r\nconnection: close\r\n\r\n${(error as Error).message}`);
      return;
    }
    upgrading.handleUpgrade(req, socket, head, onConnection);
  });

  const onConnection = (socket: WebSocket): void => {
    sockets.add(socket);
    const closers: (() => void)[] = [];
    const sink: SubscriptionSink = {
      notify(subscription, result) {
        if (socket.readyState === socket.OPEN) {
          socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } }));
        }
      },
      onClose(listener) {
        closers.push(listener);
      },
    };
    socket.on('message', (data, isBinary) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (buffer.length > maxBody) {
        socket.send(errorBody(INVALID_REQUEST, `invalid request: message of ${buffer.length} bytes exceeds the limit of ${maxBody}`));
        return;
      }
      const handle = () =>
        isBinary && buffer.length === 0
          ? errorBody(PARSE_ERROR, 'parse error: empty message')
          : dispatcher.handleMessage(buffer.toString('utf8'), sink);
      // Replies to messages answered later (a trace in a worker) may overtake earlier ones, as JSON-RPC allows.
      reply(handle, (text) => {
        if (text !== undefined && socket.readyState === socket.OPEN) socket.send(text);
      });
    });
    socket.on('close', () => {
      sockets.delete(socket);
      for (const close of closers) close();
    });
    socket.on('error', () => socket.terminate());
  };

  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 8545, host, () => {
      listener.off('error', reject);
      // Errors of a listening server are its connections' (each handled where it arises).
      listener.on('error', () => {});
      server.on('error', () => {});
      const address = listener.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        host: address.address,
        port: address.port,
        loadWebSockets: () => void webSockets(),
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.terminate();
            wss?.close();
            for (const socket of fastSockets) socket.destroy();
            server.closeAllConnections?.();
            // node:http never listened: its close only stops its connection tracking.
            server.close(() => {});
            listener.close(() => done());
          }),
      });
    });
  });
}
