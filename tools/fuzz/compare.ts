/**
 * Comparing what two engines reported for one call, field by field, and their traces step by
 * step. A difference names its field ("gasUsed", "post.0x…a0000.storage[0x1]") so that a shrinker
 * can keep looking for the same one.
 */
import { bytesToHex, equalBytes } from '../../dist/primitives/bytes.js';
import type { CallOutcome, StateDump, TraceStep } from '../peer/types.js';

export interface Difference {
  field: string;
  polyvm: string;
  peer: string;
}

const hex = (v: bigint) => '0x' + v.toString(16);

function short(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

export function compareOutcomes(polyvm: CallOutcome, peer: CallOutcome): Difference[] {
  const diffs: Difference[] = [];
  const add = (field: string, a: string, b: string) => {
    if (a !== b) diffs.push({ field, polyvm: short(a), peer: short(b) });
  };
  add('outcome', polyvm.outcome, peer.outcome);
  add('gasUsed', polyvm.gasUsed.toString(), peer.gasUsed.toString());
  add('refund', polyvm.refund.toString(), peer.refund.toString());
  if (!equalBytes(polyvm.output, peer.output)) add('output', bytesToHex(polyvm.output), bytesToHex(peer.output));
  add('logs.length', String(polyvm.logs.length), String(peer.logs.length));
  const n = Math.min(polyvm.logs.length, peer.logs.length);
  for (let i = 0; i < n; i++) {
    const a = polyvm.logs[i]!;
    const b = peer.logs[i]!;
    add(`logs[${i}].address`, a.address, b.address);
    add(`logs[${i}].topics`, a.topics.map(hex).join(','), b.topics.map(hex).join(','));
    if (!equalBytes(a.data, b.data)) add(`logs[${i}].data`, bytesToHex(a.data), bytesToHex(b.data));
  }
  diffs.push(...compareStates(polyvm.post, peer.post));
  return diffs;
}

export function compareStates(a: StateDump, b: StateDump): Difference[] {
  const diffs: Difference[] = [];
  const addresses = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const address of addresses) {
    const x = a.get(address);
    const y = b.get(address);
    if (x === undefined || y === undefined) {
      diffs.push({ field: `post.${address}`, polyvm: x ? 'exists' : 'absent', peer: y ? 'exists' : 'absent' });
      continue;
    }
    if (x.balance !== y.balance) diffs.push({ field: `post.${address}.balance`, polyvm: x.balance.toString(), peer: y.balance.toString() });
    if (x.nonce !== y.nonce) diffs.push({ field: `post.${address}.nonce`, polyvm: x.nonce.toString(), peer: y.nonce.toString() });
    if (!equalBytes(x.code, y.code))
      diffs.push({ field: `post.${address}.code`, polyvm: short(bytesToHex(x.code)), peer: short(bytesToHex(y.code)) });
    const slots = [...new Set([...x.storage.keys(), ...y.storage.keys()])].sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
    for (const slot of slots) {
      const u = x.storage.get(slot) ?? 0n;
      const v = y.storage.get(slot) ?? 0n;
      if (u !== v) diffs.push({ field: `post.${address}.storage[${hex(slot)}]`, polyvm: hex(u), peer: hex(v) });
    }
  }
  return diffs;
}

/** The kind of a difference, for matching shrunk cases: "post.*.storage" rather than the slot. */
export function differenceKind(d: Difference): string {
  return d.field.replace(/^post\.0x[0-9a-f]{40}/, 'post.*').replace(/\[[^\]]*\]/g, '[]');
}

export interface TraceDivergence {
  /** Index of the first step that differs (or where one trace ends). */
  index: number;
  polyvm: TraceStep | undefined;
  peer: TraceStep | undefined;
  /** Fields that differ at that step. */
  fields: string[];
  /** The steps before it, for context. */
  before: TraceStep[];
}

/**
 * The first step at which the traces differ in pc, op, gas, stack, depth or memory size. The
 * refund field is not compared (ethereumjs counts it per frame), nor gasCost (engines report
 * static and dynamic parts differently).
 */
export function firstTraceDivergence(polyvm: TraceStep[], peer: TraceStep[], limit = Infinity): TraceDivergence | undefined {
  // Traces cut at `limit` steps end together there without differing.
  const n = Math.min(limit, Math.max(polyvm.length, peer.length));
  for (let i = 0; i < n; i++) {
    const a = polyvm[i];
    const b = peer[i];
    const fields: string[] = [];
    if (a === undefined || b === undefined) fields.push(a === undefined ? 'polyvm trace ended' : 'peer trace ended');
    else {
      if (a.pc !== b.pc) fields.push('pc');
      if (a.op !== b.op) fields.push('op');
      if (a.gas !== b.gas) fields.push('gas');
      if (a.depth !== b.depth) fields.push('depth');
      if (a.memSize !== b.memSize) fields.push('memSize');
      if (a.stack.length !== b.stack.length || a.stack.some((v, j) => v !== b.stack[j])) fields.push('stack');
    }
    if (fields.length > 0) return { index: i, polyvm: a, peer: b, fields, before: polyvm.slice(Math.max(0, i - 3), i) };
  }
  return undefined;
}
