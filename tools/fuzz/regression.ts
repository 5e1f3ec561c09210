/**
 * Regression cases: bugs the fuzzer found, shrunk, kept under fuzz/regressions/ with what the
 * specs say the result must be. `npm test` runs each through polyvm and checks the expectations
 * (and, unless the peer is the one that is wrong, that @ethereumjs/evm agrees).
 */
import type { CallOutcome } from '../peer/types.js';
import { bytesToHex } from '../../dist/primitives/bytes.js';
import type { FuzzCaseJson } from './case.js';

export interface Regression {
  title: string;
  /** polyvm-bug: found, not fixed (its test is a todo); fixed; peer-bug: @ethereumjs/evm is wrong. */
  status: 'polyvm-bug' | 'fixed' | 'peer-bug';
  explanation: string;
  spec: string;
  found?: string;
  /** Where the fix landed, once it has. */
  fixed?: string;
  expect?: {
    outcome?: string;
    gasUsed?: string;
    refund?: string;
    output?: string;
    /** Per account: null for "must not exist", else the fields that must hold. */
    post?: Record<string, null | { balance?: string; nonce?: string; code?: string; storage?: Record<string, string> }>;
  };
  case: FuzzCaseJson;
}

/** What does not hold of the expectations; empty when all do. */
export function unmetExpectations(regression: Regression, outcome: CallOutcome): string[] {
  const expect = regression.expect ?? {};
  const problems: string[] = [];
  const check = (what: string, actual: string, expected: string | undefined) => {
    if (expected !== undefined && actual !== expected) problems.push(`${what}: expected ${expected}, got ${actual}`);
  };
  check('outcome', outcome.outcome, expect.outcome);
  check('gasUsed', outcome.gasUsed.toString(), expect.gasUsed);
  check('refund', outcome.refund.toString(), expect.refund);
  check('output', bytesToHex(outcome.output), expect.output);
  for (const [address, wanted] of Object.entries(expect.post ?? {})) {
    const account = outcome.post.get(address.toLowerCase());
    if (wanted === null) {
      if (account !== undefined) problems.push(`post ${address}: expected no account, found one`);
      continue;
    }
    if (account === undefined) {
      problems.push(`post ${address}: expected an account, found none`);
      continue;
    }
    if (wanted.balance !== undefined) check(`post ${address} balance`, account.balance.toString(), BigInt(wanted.balance).toString());
    if (wanted.nonce !== undefined) check(`post ${address} nonce`, account.nonce.toString(), BigInt(wanted.nonce).toString());
    if (wanted.code !== undefined) check(`post ${address} code`, bytesToHex(account.code), wanted.code.toLowerCase());
    for (const [slot, value] of Object.entries(wanted.storage ?? {})) {
      check(`post ${address} storage ${slot}`, (account.storage.get(BigInt(slot)) ?? 0n).toString(), BigInt(value).toString());
    }
  }
  return problems;
}
