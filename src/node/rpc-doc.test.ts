/**
 * docs/rpc.md lists every method of the node's table (ALL_METHODS), each once, with its aliases;
 * an alias must be the very handler of the method it is listed with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ALL_METHODS } from './node.js';

const DOC = new URL('../../docs/rpc.md', import.meta.url);

/** Each table row's method and aliases. */
function documented(): { method: string; aliases: string[] }[] {
  const rows: { method: string; aliases: string[] }[] = [];
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const match = /^\| `([A-Za-z0-9_]+)` \|([^|]*)\|/.exec(line);
    if (!match) continue;
    rows.push({ method: match[1]!, aliases: [...match[2]!.matchAll(/`([A-Za-z0-9_]+)`/g)].map((m) => m[1]!) });
  }
  return rows;
}

test('docs/rpc.md lists exactly the methods the node answers', () => {
  const rows = documented();
  const names = rows.flatMap((r) => [r.method, ...r.aliases]);
  const seen = new Set<string>();
  for (const name of names) {
    assert.ok(!seen.has(name), `${name} is listed twice in docs/rpc.md`);
    seen.add(name);
  }
  const table = Object.keys(ALL_METHODS);
  const missing = table.filter((m) => !seen.has(m));
  const extra = names.filter((m) => !Object.prototype.hasOwnProperty.call(ALL_METHODS, m));
  assert.deepEqual(missing, [], `methods the node answers but docs/rpc.md does not list: ${missing.join(', ')}`);
  assert.deepEqual(extra, [], `methods docs/rpc.md lists but the node does not answer: ${extra.join(', ')}`);
});

test('an alias in docs/rpc.md is the same handler as its method', () => {
  for (const { method, aliases } of documented()) {
    for (const alias of aliases) assert.equal(ALL_METHODS[alias], ALL_METHODS[method], `${alias} is not an alias of ${method}`);
  }
});
