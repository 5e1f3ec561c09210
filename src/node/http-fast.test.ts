/**
 * The HTTP fast path (http-fast.ts) against a listening node over raw sockets: pipelined and
 * split requests, answers in order when one is answered later, and every request it does not
 * take handed to node:http with its bytes, on a connection that then keeps working.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { createNode } from './node.js';
import { fastBodyLength } from './http-fast.js';

const node = createNode();
const { port } = await node.listen({ port: 0 });
after(() => node.close());

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** A raw connection: writes bytes as given, reads answers one by one. */
async function open(): Promise<{ socket: Socket; write(text: string): void; next(): Promise<Answer>; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake?.();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const parse = (): Answer | undefined => {
    const end = received.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const lines = received.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers = new Map(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    if (headers.get('transfer-encoding') === 'chunked') {
      // Chunks up to the empty last one (node:http's answers without a length).
      let at = end + 4;
      let body = '';
      for (;;) {
        const lineEnd = received.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(received.subarray(at, lineEnd).toString('latin1'), 16);
        if (received.length < lineEnd + 2 + size + 2) return undefined;
        body += received.subarray(lineEnd + 2, lineEnd + 2 + size).toString('utf8');
        at = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      received = received.subarray(at);
      return { status, headers, body };
    }
    const length = Number(headers.get('content-length') ?? 0);
    if (received.length < end + 4 + length) return undefined;
    const body = received.subarray(end + 4, end + 4 + length).toString('utf8');
    received = received.subarray(end + 4 + length);
    return { status, headers, body };
  };
  return {
    socket,
    closed,
    write: (text) => socket.write(text),
    async next() {
      for (;;) {
        const answer = parse();
        if (answer !== undefined) return answer;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

function post(body: string, headers = ''): string {
  return `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const chainId = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'eth_chainId' });

test('fast path: pipelined requests are answered in order, split ones once complete', async () => {
  const c = await open();
  c.write(post(chainId(1)) + post(chainId(2)) + post(JSON.stringify({ jsonrpc: '2.0', method: 'eth_chainId' })));
  for (const id of [1, 2]) {
    const answer = await c.next();
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'application/json');
    assert.equal(answer.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(JSON.parse(answer.body), { jsonrpc: '2.0', id, result: '0x7a69' });
  }
  // A notification: nothing to say.
  assert.equal((await c.next()).status, 204);
  // Head and body in pieces, the body's multi-byte characters split too.
  const text = post(JSON.stringify({ jsonrpc: '2.0', id: 'é€', method: 'eth_chainId' }));
  const bytes = Buffer.from(text);
  for (const [from, to] of [
    [0, 7],
    [7, 30],
    [30, bytes.length - 5],
    [bytes.length - 5, bytes.length],
  ]) {
    c.socket.write(bytes.subarray(from, to));
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(JSON.parse((await c.next()).body), { jsonrpc: '2.0', id: 'é€', result: '0x7a69' });
  c.socket.destroy();
});

test('fast path: an answer that comes later keeps its place before the next one', async () => {
  const from = node.accounts[0]!.address;
  const hash = await node.request({ method: 'eth_sendTransaction', params: [{ from, to: from, value: '0x1' }] });
  const c = await open();
  const trace = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'debug_traceTransaction', params: [hash, { tracer: 'callTracer' }] });
  c.write(post(trace) + post(chainId(2)));
  const first = JSON.parse((await c.next()).body);
  assert.equal(first.id, 1);
  assert.equal(first.result.type, 'CALL');
  assert.equal(JSON.parse((await c.next()).body).id, 2);
  c.socket.destroy();
});

test('fast path: what it does not take goes to node:http, and the connection goes on', async () => {
  // A GET after a POST on the same connection: node:http's 405, then a POST it answers itself.
  const c = await open();
  c.write(post(chainId(1)));
  assert.equal(JSON.parse((await c.next()).body).id, 1);
  c.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n' + post(chainId(2)));
  const refused = await c.next();
  assert.equal(refused.status, 405);
  assert.equal(JSON.parse(refused.body).error.code, -32600);
  assert.deepEqual(JSON.parse((await c.next()).body), { jsonrpc: '2.0', id: 2, result: '0x7a69' });
  c.socket.destroy();

  // A chunked body.
  const chunked = await open();
  const body = chainId(3);
  chunked.write(`POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
  assert.equal(JSON.parse((await chunked.next()).body).id, 3);
  chunked.socket.destroy();

  // Connection: close is answered, then the connection closed.
  const closing = await open();
  closing.write(post(chainId(4), 'connection: close\r\n'));
  assert.equal(JSON.parse((await closing.next()).body).id, 4);
  await closing.closed;

  // No Host header: node:http's 400, as before.
  const hostless = await open();
  hostless.write(post(chainId(5)).replace('host: x\r\n', ''));
  assert.equal((await hostless.next()).status, 400);
  hostless.socket.destroy();

  // A body over the limit: node:http's 413.
  const large = await open();
  large.write(`POST / HTTP/1.1\r\nhost: x\r\ncontent-length: ${node.limits.maxBodyBytes + 1}\r\n\r\n`);
  assert.equal((await large.next()).status, 413);
  large.socket.destroy();
});

test('fastBodyLength: only a plain HTTP/1.1 POST with one Content-Length', () => {
  const head = (lines: string[]) => lines.join('\r\n');
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Content-Length: 12', 'Host: x'])), 12);
  assert.equal(fastBodyLength(head(['POST /rpc HTTP/1.1', 'content-length:0', 'host:x', 'connection: Keep-Alive'])), 0);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Content-Length: 12'])), -1);
  assert.equal(fastBodyLength(head(['GET / HTTP/1.1', 'Host: x', 'Content-Length: 1'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.0', 'Host: x', 'Content-Length: 1'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Content-Length: 1'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: -1'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1x'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Transfer-Encoding: chunked'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Expect: 100-continue'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Upgrade: websocket'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Connection: close'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length : 1'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', ' folded'])), -1);
  assert.equal(fastBodyLength(head(['POST / HTTP/1.1', 'Host: x', 'no colon'])), -1);
  assert.equal(fastBodyLength(head(['POST  HTTP/1.1', 'Host: x', 'Content-Length: 1'])), -1);
});
