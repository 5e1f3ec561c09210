/**
 * The checks every conformance suite gets, whatever runs its vectors (state tests today,
 * blockchain tests beside them): the vectors that ran are exactly the ones the fixture files
 * declare (one that did not run is a failure, and so is one that ran twice or that no file
 * declares); a failure not in KNOWN_FAILURES.json fails; a listed failure that passes, or that no
 * longer runs at all, fails too (the list may only shrink and must stay true). Every ID starts
 * with the fixture file's path relative to the suite's folder, so equal test names in different
 * files cannot hide each other.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const fixtures = process.env.POLYVM_FIXTURES ?? resolve(root, '../shared/fixtures');

export type KnownFailures = Record<string, Record<string, string>>;

export function readKnownFailures(): KnownFailures {
  return JSON.parse(readFileSync(join(root, 'KNOWN_FAILURES.json'), 'utf8')) as KnownFailures;
}

/** The fixture folder of a suite, which must exist: a missing fixture fails, it never skips. */
export function fixtureDir(relativePath: string): string {
  const full = join(fixtures, relativePath);
  let isDir = false;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    // reported below
  }
  assert.ok(isDir, `fixtures not found at ${full} (set POLYVM_FIXTURES)`);
  return full;
}

/** Every .json file under `dir`, sorted, as the CLI finds them. */
export function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

/** One vector as the fixtures declare it. */
export interface Declared {
  id: string;
  fork: string;
}

/** One vector as the runner reported it. */
export interface Outcome {
  id: string;
  fork: string;
  pass: boolean;
  error: string;
}

export interface ForkCount {
  fork: string;
  vectors: number;
  pass: number;
  fail: number;
}

/**
 * Compares what ran with what the fixtures declare and with the suite's known failures; prints
 * the per-fork counts (as `suite | fork | vectors | pass | fail`) and returns them.
 */
export function checkSuite(suite: string, declared: Declared[], outcomes: Outcome[], known: Record<string, string>): ForkCount[] {
  const declaredIds = new Map<string, string>();
  const declaredTwice: string[] = [];
  for (const d of declared) {
    if (declaredIds.has(d.id)) declaredTwice.push(d.id);
    declaredIds.set(d.id, d.fork);
  }
  const ran = new Map<string, Outcome>();
  const ranTwice: string[] = [];
  for (const o of outcomes) {
    if (ran.has(o.id)) ranTwice.push(o.id);
    ran.set(o.id, o);
  }
  const notRun = [...declaredIds.keys()].filter((id) => !ran.has(id));
  const undeclared = [...ran.keys()].filter((id) => !declaredIds.has(id));
  const failing = outcomes.filter((o) => !o.pass);
  const unexpected = failing.filter((o) => !(o.id in known)).map((o) => `${o.id}: ${o.error || 'state mismatch'}`);
  const nowPassing = Object.keys(known).filter((id) => ran.get(id)?.pass === true);
  const stale = Object.keys(known).filter((id) => !ran.has(id));

  const counts = new Map<string, ForkCount>();
  for (const [id, fork] of declaredIds) {
    const row = counts.get(fork) ?? { fork, vectors: 0, pass: 0, fail: 0 };
    row.vectors++;
    if (ran.get(id)?.pass === true) row.pass++;
    else row.fail++;
    counts.set(fork, row);
  }
  const rows = [...counts.values()].sort((a, b) => a.fork.localeCompare(b.fork));
  for (const r of rows) console.log(`| ${suite} | ${r.fork} | ${r.vectors} | ${r.pass} | ${r.fail} |`);
  const passed = rows.reduce((n, r) => n + r.pass, 0);
  const knownFailing = failing.filter((o) => o.id in known).length;
  console.log(`${suite}: ${passed} of ${declaredIds.size} declared vectors pass (${knownFailing} known failures)`);

  const few = (ids: string[]) => ids.slice(0, 20).join('\n  ');
  assert.deepEqual(declaredTwice, [], `${suite}: vector IDs declared twice:\n  ${few(declaredTwice)}`);
  assert.deepEqual(ranTwice, [], `${suite}: vectors that ran twice:\n  ${few(ranTwice)}`);
  assert.equal(notRun.length, 0, `${suite}: ${notRun.length} declared vectors did not run:\n  ${few(notRun)}`);
  assert.equal(undeclared.length, 0, `${suite}: ${undeclared.length} vectors ran that no fixture declares:\n  ${few(undeclared)}`);
  assert.equal(unexpected.length, 0, `${suite}: ${unexpected.length} new failures:\n  ${few(unexpected)}`);
  assert.equal(
    nowPassing.length,
    0,
    `${suite}: ${nowPassing.length} known failures now pass (remove them from KNOWN_FAILURES.json):\n  ${few(nowPassing)}`,
  );
  assert.equal(stale.length, 0, `${suite}: ${stale.length} KNOWN_FAILURES.json entries did not run (stale):\n  ${few(stale)}`);
  return rows;
}
