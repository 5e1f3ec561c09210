/**
 * The common HTTP request, answered without node:http's machinery: a keep-alive HTTP/1.1 POST
 * with a Content-Length, read straight off the socket, answered with one write. node:http builds
 * a request and a response object, two streams and their events for every request; for a dev
 * node answering one small JSON-RPC request after another that is most of its time per request.
 *
 * Anything else (another method, chunked or `Expect` bodies, an upgrade to WebSocket, HTTP/1.0,
 * `Connection: close`, a body over the limit, a head that is malformed or too large) is handed,
 * with the bytes not yet answered, to the node:http server, which then serves the connection to
 * its end as it serves any other: its answers (405, 413, 400, 431, the upgrade) stay the one
 * source of truth for everything but the common case.
 */
import type { Socket } from 'node:net';

/** What a fast connection needs of the server. */
export interface FastPath {
  /** The reply to a request body, at once or later; undefined: nothing to send (notifications). */
  answer(body: string, send: (reply: string | undefined) => void): void;
  /** Headers of every JSON answer (content type, CORS), as `name: value\r\n` lines. */
  readonly headerLines: string;
  /** How long an idle connection is kept open (the server closes it then), in ms. */
  readonly keepAliveMs: number;
  /** The largest body answered here; a larger one goes to node:http (its 413). */
  readonly maxBody: number;
  /** Takes over the connection, `pending` being bytes received and not yet answered. */
  handOff(socket: Socket, pending: Buffer | undefined): void;
}

/** node:http's default limit on a request's head (--max-http-header-size). */
const MAX_HEAD = 16 * 1024;
/** The end of a request's head. A string: this module is loaded in a browser too, where no Buffer is. */
const HEAD_END = '\r\n\r\n';

/** The Date header, as node:http sends it, made at most once a second. */
let dateLine = '';
let dateSecond = -1;
function currentDateLine(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

/**
 * The body length of a request head this path answers, or -1 when node:http should take the
 * request: a POST over HTTP/1.1 with a Host, one Content-Length and none of the headers above.
 */
export function fastBodyLength(head: string): number {
  const firstEnd = head.indexOf('\r\n');
  const requestLine = firstEnd < 0 ? head : head.slice(0, firstEnd);
  if (!requestLine.startsWith('POST ') || !requestLine.endsWith(' HTTP/1.1')) return -1;
  const target = requestLine.slice(5, -9);
  if (target.length === 0 || target.includes(' ')) return -1;
  let length = -1;
  // HTTP/1.1 requires a Host header; node:http refuses a request without one (400).
  let host = false;
  let at = firstEnd;
  while (at >= 0) {
    const start = at + 2;
    const next = head.indexOf('\r\n', start);
    const line = next < 0 ? head.slice(start) : head.slice(start, next);
    at = next;
    const colon = line.indexOf(':');
    // An empty name, a folded line (obs-fold) or whitespace before the colon: node:http decides.
    if (colon <= 0 || line.charCodeAt(0) <= 32 || line.charCodeAt(colon - 1) <= 32) return -1;
    const name = line.slice(0, colon).toLowerCase();
    switch (name) {
      case 'content-length': {
        const value = line.slice(colon + 1).trim();
        if (length >= 0 || !/^\d{1,15}$/.test(value)) return -1;
        length = Number(value);
        break;
      }
      case 'host':
        host = true;
        break;
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return -1;
      case 'connection':
        // keep-alive is HTTP/1.1's default; anything else (close, upgrade) goes to node:http.
        if (
          line
            .slice(colon + 1)
            .trim()
            .toLowerCase() !== 'keep-alive'
        )
          return -1;
        break;
    }
  }
  return host ? length : -1;
}

/** Serves a new connection: requests on the fast path for as long as they qualify. */
export function serveFast(socket: Socket, fast: FastPath): void {
  /** Bytes received and not yet answered, in the chunks they came in. */
  let chunks: Buffer[] = [];
  let size = 0;
  /** How many bytes the request being received needs before anything can be done. */
  let need = 0;
  /** A reply is on its way (a method answered later): later requests wait, in order. */
  let waiting = false;
  let handedOff = false;
  let ended = false;
  const keepAlive = `connection: keep-alive\r\nkeep-alive: timeout=${Math.floor(fast.keepAliveMs / 1000)}\r\n\r\n`;

  /** The bytes not yet answered, as one buffer. */
  const joined = (): Buffer => {
    if (chunks.length > 1) chunks = [Buffer.concat(chunks, size)];
    return chunks[0]!;
  };

  const handOff = (): void => {
    handedOff = true;
    socket.removeListener('data', onData);
    socket.removeListener('error', onError);
    socket.removeListener('end', onEnd);
    socket.removeListener('timeout', onIdle);
    socket.setTimeout(0);
    const rest = size > 0 ? joined() : undefined;
    chunks = [];
    size = 0;
    fast.handOff(socket, rest);
  };

  const send = (reply: string | undefined): void => {
    if (socket.destroyed) return;
    const tail = `${currentDateLine()}${keepAlive}`;
    const written =
      reply === undefined
        ? socket.write(`HTTP/1.1 204 No Content\r\n${fast.headerLines}${tail}`)
        : socket.write(`HTTP/1.1 200 OK\r\n${fast.headerLines}content-length: ${Buffer.byteLength(reply)}\r\n${tail}${reply}`);
    // A client that sends without reading its answers: read no more until they are taken.
    if (!written && !socket.isPaused()) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  };

  /** Answers every complete request received, in order, until one must wait or go elsewhere. */
  const serve = (): void => {
    while (!waiting && !handedOff && size > 0) {
      const buffer = joined();
      const headEnd = buffer.indexOf(HEAD_END);
      if (headEnd < 0) {
        if (size > MAX_HEAD) handOff();
        else need = size + 1;
        return;
      }
      if (headEnd > MAX_HEAD) return handOff();
      const length = fastBodyLength(buffer.toString('latin1', 0, headEnd));
      if (length < 0 || length > fast.maxBody) return handOff();
      const end = headEnd + 4 + length;
      if (size < end) {
        need = end;
        return;
      }
      need = 0;
      const body = buffer.toString('utf8', headEnd + 4, end);
      if (size === end) {
        chunks = [];
        size = 0;
      } else {
        chunks = [buffer.subarray(end)];
        size -= end;
      }
      let answered = false;
      let returned = false;
      fast.answer(body, (reply) => {
        answered = true;
        send(reply);
        if (returned) {
          // Answered after a wait: carry on with what came meanwhile.
          waiting = false;
          socket.setTimeout(fast.keepAliveMs);
          serve();
          if (ended && !waiting) socket.end();
        }
      });
      returned = true;
      // Still unanswered (a worker has it): the next request waits its turn, and the connection
      // is not idle meanwhile, however long the answer takes.
      if (!answered) {
        waiting = true;
        socket.setTimeout(0);
      }
    }
  };

  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    size += chunk.length;
    if (!waiting && size >= need) serve();
  };
  const onError = (): void => {
    socket.destroy();
  };
  // The client sent all it will (half-closed): answer what came, then close.
  const onEnd = (): void => {
    ended = true;
    if (!waiting) socket.end();
  };
  // An idle connection is closed after a while, as node:http closes its own.
  const onIdle = (): void => {
    socket.destroy();
  };
  socket.setTimeout(fast.keepAliveMs, onIdle);
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('end', onEnd);
}
