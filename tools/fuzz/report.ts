/** A finding as text: the reproducer a person reads (program, input, both results, first differing step). */
import { hexToBytes } from '../../dist/primitives/bytes.js';
import type { FuzzCaseJson } from './case.js';
import type { TraceDivergence } from './compare.js';
import type { Finding, OutcomeSummary } from './differential.js';
import { disassemble } from './disassemble.js';

function describeCase(c: FuzzCaseJson, lines: string[]): void {
  lines.push(`  fork ${c.fork}, generator ${c.generator}`);
  lines.push(`  call ${c.call.caller} -> ${c.call.to}, gas ${BigInt(c.call.gas)}, value ${BigInt(c.call.value)}, input ${c.call.data}`);
  for (const [address, a] of Object.entries(c.pre)) {
    const storage = Object.entries(a.storage)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(`  account ${address}: balance ${BigInt(a.balance)}, nonce ${BigInt(a.nonce)}${storage ? `, storage ${storage}` : ''}`);
    if (a.code !== '0x') {
      lines.push(`    code ${a.code.length > 202 ? a.code.slice(0, 202) + '…' : a.code}`);
      for (const line of disassemble(hexToBytes(a.code), 60)) lines.push(`      ${line}`);
    }
  }
}

function describeOutcome(name: string, o: OutcomeSummary | undefined, lines: string[]): void {
  if (!o) return;
  lines.push(
    `  ${name}: ${o.outcome}${o.error ? ` (${o.error})` : ''}, gas used ${o.gasUsed}, refund ${o.refund}, output ${o.output.slice(0, 132)}, ${o.logs.length} logs`,
  );
}

function describeTrace(t: TraceDivergence | undefined, lines: string[]): void {
  if (!t) {
    lines.push('  traces: identical over their first 20,000 steps (the difference arises outside the interpreter loop, or later)');
    return;
  }
  lines.push(`  first differing trace step #${t.index} (${t.fields.join(', ')}):`);
  for (const step of t.before) lines.push(`    before:     ${JSON.stringify(step)}`);
  lines.push(`    polyvm:     ${t.polyvm ? JSON.stringify(t.polyvm) : '(no step)'}`);
  lines.push(`    ethereumjs: ${t.peer ? JSON.stringify(t.peer) : '(no step)'}`);
}

export function formatFinding(f: Finding): string {
  const lines: string[] = [];
  const where = f.seed !== null ? `seed ${f.seed}, case ${f.index}` : 'replayed case';
  lines.push(`${f.verdict.toUpperCase()} (${where}, ${f.fork}, ${f.generator})`);
  if (f.error) lines.push(`  error: ${f.error.split('\n').slice(0, 6).join('\n    ')}`);
  for (const d of f.differences.slice(0, 12)) lines.push(`  differs: ${d.field}: polyvm ${d.polyvm}, ethereumjs ${d.peer}`);
  if (f.differences.length > 12) lines.push(`  … ${f.differences.length - 12} more differences`);
  const shown = f.minimized ?? { case: f.case, differences: f.differences, trace: f.trace, polyvm: f.polyvm, peer: f.peer };
  lines.push(f.minimized ? 'minimized reproducer:' : 'reproducer:');
  describeCase(shown.case, lines);
  if (f.minimized)
    for (const d of f.minimized.differences.slice(0, 8)) lines.push(`  differs: ${d.field}: polyvm ${d.polyvm}, ethereumjs ${d.peer}`);
  describeOutcome('polyvm', shown.polyvm, lines);
  describeOutcome('ethereumjs', shown.peer, lines);
  if (f.verdict === 'diverge') describeTrace(shown.trace, lines);
  return lines.join('\n');
}
