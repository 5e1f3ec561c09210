/**
 * `npm run fuzz -- --mode wasm`: random Stylus programs (valid, broken, damaged containers)
 * deployed on a fresh WebAssembly-enabled chain and called from an EOA and from EVM contracts.
 *
 * Oracles, each violation a finding: no exception escapes the engine; a case finishes in bounded
 * time (slow past `slowMs`; cut off as a hang past the worker timeout); gas used never exceeds
 * the gas given; a failed call leaves the state root exactly as it was (runCall charges nothing,
 * and an EVM caller whose inner call failed changes nothing either when no value moves); a refused
 * deploy leaves no code; a valid-by-construction program activates and a surely-broken one does
 * not; and the same case run twice on fresh chains gives the same outputs, gas, logs and roots.
 * No file system here: findings go to a callback.
 */
import { Worker } from 'node:worker_threads';
import { createEvm, deployCode, isProgram, type Evm } from '../../dist/index.js';
import { DEPLOY_PRELUDE_LENGTH, STYLUS_PREFIX } from '../../dist/wasm/format.js';
import { activateCode } from '../../dist/wasm/program.js';
import { bigintToFixedBytes, bytesToHex, concatBytes, equalBytes, hexToBytes } from '../../dist/primitives/bytes.js';
import { CALL, DELEGATECALL, STATICCALL, evmCaller } from '../../dist/wasm/testing/programs.js';
import type { Address } from '../../dist/primitives/address.js';
import { feeMarketTransaction } from '../../dist/tx/types.js';
import { CALLERS, CREATED, EOA, generateWasmCase, PLACED, TARGET, type TargetKind, type WasmCase } from './wasm-generate.js';

export type WasmFindingKind =
  'crash' | 'slow' | 'hang' | 'gas' | 'state-on-failure' | 'deploy-state' | 'refused-valid' | 'accepted-invalid' | 'nondeterminism';

export interface WasmFinding {
  mode: 'wasm';
  kind: WasmFindingKind;
  seed: number | null;
  index: number | null;
  generator: string;
  problem: string;
  case: WasmCase;
  steps?: StepOutcome[];
}

/** What one deploy or call did, as compared between two runs. */
export interface StepOutcome {
  step: string;
  success: boolean;
  gasUsed: string;
  error?: string;
  output: string;
  logs: string;
  stateRoot: string;
}

export interface CaseRun {
  steps: StepOutcome[];
  /** Oracle violations of this run (not determinism or time, which need more than one run). */
  problems: { kind: WasmFindingKind; problem: string }[];
  deploy: 'activated' | 'refused' | 'failed' | 'placed';
  /** The refusal reason (from the create, or from activating placed code). */
  refusal?: string;
  ms: number;
}

export interface RunOptions {
  /** The chain a case runs on (tests substitute a broken one to see the oracles fire). */
  createChain?: () => Evm;
}

const CHAIN_ID = 31337n;
const BALANCE = 10n ** 24n;
/** EIP-7825 (Osaka): the most gas a transaction may have. */
const TX_GAS_CAP = 1n << 24n;

const TARGET_CODE: Record<TargetKind, (program: Address) => Uint8Array> = {
  // SSTORE(0, CALLDATASIZE), LOG0 of the calldata, return it.
  echo: () => hexToBytes('0x366000600037' + '36600055' + '366000a0' + '366000f3'),
  // REVERT(0, 0)
  revert: () => hexToBytes('0x60006000fd'),
  // Calls the program back with its own calldata (reentrancy).
  reenter: (program) => evmCaller(program, CALL),
  // JUMPDEST PUSH1 0 JUMP: burns all its gas.
  burn: () => hexToBytes('0x5b600056'),
};

/**
 * Init code returning `code`: deployCode's for a program, and for code that is not one (a damaged
 * prefix) the same layout built here, since deployCode refuses it.
 */
function initCode(code: Uint8Array): Uint8Array {
  if (isProgram(code)) return deployCode(code);
  const prelude = deployCode(concatBytes(STYLUS_PREFIX, new Uint8Array(2))).slice(0, DEPLOY_PRELUDE_LENGTH);
  prelude.set(bigintToFixedBytes(BigInt(code.length), 32), 1); // the PUSH32 of the length
  return concatBytes(prelude, code);
}

/** The chain every case runs on: Osaka with WebAssembly programs. */
export function wasmChain(): Evm {
  return createEvm({ fork: 'Osaka', wasm: true, block: { chainId: CHAIN_ID, number: 100n, timestamp: 1_700_000_000n } });
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return '0x' + value.toString(16);
  if (value instanceof Uint8Array) return bytesToHex(value);
  return value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
}

/** Normalises a refusal reason for counting: numbers and byte offsets become N. */
export function refusalKind(reason: string): string {
  return reason
    .replace(/^program refused: /, '')
    .replace(/0x[0-9a-f]+/gi, 'N')
    .replace(/\d+/g, 'N')
    .slice(0, 90);
}

/** Runs a case once on a fresh chain, checking the oracles that one run can check. */
export function runWasmCase(c: WasmCase, options: RunOptions = {}): CaseRun {
  const began = performance.now();
  const run: CaseRun = { steps: [], problems: [], deploy: 'failed', ms: 0 };
  const problem = (kind: WasmFindingKind, text: string) => run.problems.push({ kind, problem: text });
  const code = hexToBytes(c.program);
  const program = c.deploy === 'create' ? CREATED : PLACED;
  let step = 'setup';
  try {
    const evm = (options.createChain ?? wasmChain)();
    evm.setAccount(EOA, { balance: BALANCE });
    evm.setAccount(TARGET, { code: TARGET_CODE[c.target](program) });
    evm.setAccount(CALLERS.call, { code: evmCaller(program, CALL) });
    evm.setAccount(CALLERS.staticcall, { code: evmCaller(program, STATICCALL) });
    evm.setAccount(CALLERS.delegatecall, { code: evmCaller(program, DELEGATECALL) });
    const root = () => bytesToHex(evm.stateRoot());
    let nonce = 0n;
    const transaction = (to: Address | null, data: Uint8Array, gasLimit: bigint, value: bigint) => {
      const tx = feeMarketTransaction({ chainId: CHAIN_ID, nonce: nonce++, gasLimit, to, value, data });

      return evm.runTx(tx, EOA);
    };

    step = 'deploy';
    if (c.deploy === 'create') {
      // The deploy's gas on top of the most its intrinsic cost can be, within EIP-7825's cap.
      const init = initCode(code);
      const intrinsic = 53_000n + 40n * BigInt(init.length) + 2n * BigInt(Math.ceil(init.length / 32));
      const gas = BigInt(c.deployGas) + intrinsic > TX_GAS_CAP ? TX_GAS_CAP : BigInt(c.deployGas) + intrinsic;
      const r = transaction(null, init, gas, 0n);
      if (r.gasUsed > gas) problem('gas', `deploy used ${r.gasUsed} gas of ${gas}`);
      if (r.success) {
        run.deploy = 'activated';
        if (r.createdAddress !== CREATED) problem('deploy-state', `created ${r.createdAddress}, expected ${CREATED}`);
        if (!equalBytes(evm.state.getCode(CREATED), code)) problem('deploy-state', 'the deployed code is not the program');
      } else {
        run.deploy = r.reason !== undefined ? 'refused' : 'failed';
        run.refusal = r.reason;
        if (evm.state.getCode(CREATED).length > 0) problem('deploy-state', `a failed create left code at ${CREATED}`);
      }
      run.steps.push({
        step,
        success: r.success,
        gasUsed: r.gasUsed.toString(),
        error: r.error,
        output: bytesToHex(r.output),
        logs: JSON.stringify(r.logs, replacer),
        stateRoot: root(),
      });
    } else {
      evm.setAccount(PLACED, { code });
      run.deploy = 'placed';
    }

    for (const [i, call] of c.calls.entries()) {
      step = `call ${i} (${call.via})`;
      const gas = BigInt(call.gas);
      const value = BigInt(call.value);
      const data = hexToBytes(call.data);
      if (call.via === 'tx') {
        // The call's gas on top of the most the intrinsic cost can be (EIP-7623's floor for calldata).
        const limit = gas + 21_000n + 40n * BigInt(data.length);
        const r = transaction(program, data, limit, value);
        if (r.gasUsed > limit) problem('gas', `${step}: used ${r.gasUsed} gas of ${limit}`);
        run.steps.push({
          step,
          success: r.success,
          gasUsed: r.gasUsed.toString(),
          error: r.error,
          output: bytesToHex(r.output),
          logs: JSON.stringify(r.logs, replacer),
          stateRoot: root(),
        });
        continue;
      }
      const to = call.via === 'eoa' ? program : CALLERS[call.via];
      const before = root();
      const r = evm.runCall({ caller: EOA, to, data, gas, value });
      const after = root();
      if (r.gasUsed > gas || r.gasUsed < 0n) problem('gas', `${step}: used ${r.gasUsed} gas of ${gas}`);
      if (!r.success && after !== before) problem('state-on-failure', `${step} failed (${r.error}) but the state root changed`);
      // An EVM caller returns its inner call's success in its first word: with no value moved, a
      // failed inner call must leave the state as it was too.
      const innerFailed = call.via !== 'eoa' && r.success && r.output.length >= 32 && r.output.subarray(0, 32).every((b) => b === 0);
      if (innerFailed && value === 0n && after !== before) {
        problem('state-on-failure', `${step}: the program's call failed inside the EVM caller but the state root changed`);
      }
      run.steps.push({
        step,
        success: r.success,
        gasUsed: r.gasUsed.toString(),
        error: r.error,
        output: bytesToHex(r.output),
        logs: JSON.stringify(r.logs, replacer),
        stateRoot: after,
      });
    }
    if (c.deploy === 'place') {
      // For the counts only: the program is compiled (and cached) by its first call already.
      const activation = activateCode(code);
      if ('error' in activation) {
        run.deploy = 'refused';
        run.refusal = activation.error;
      }
    }
  } catch (error) {
    problem('crash', `${step}: ${errorText(error)}`);
  }
  if (run.problems.every((p) => p.kind !== 'crash')) {
    const refused = run.deploy === 'refused';
    const accepted = run.deploy === 'activated' || (run.deploy === 'placed' && !refused);
    if (c.expect === 'accept' && refused) problem('refused-valid', `a valid program was refused: ${run.refusal}`);
    if (c.expect === 'refuse' && accepted) problem('accepted-invalid', `a ${c.generator} program was accepted`);
  }
  run.ms = performance.now() - began;
  return run;
}

export interface CaseCheck {
  generator: string;
  deploy: CaseRun['deploy'];
  refusal?: string;
  /** Per call: succeeded, reverted, out of gas, or the error. */
  calls: string[];
  ms: number;
  findings: WasmFinding[];
}

function callOutcome(s: StepOutcome): string {
  if (s.success) return 'succeeded';
  if (s.error === 'execution reverted') return 'reverted';
  if (s.error?.startsWith('out of gas')) return 'out of gas';
  return (s.error ?? 'failed').split(':')[0]!;
}

/** Runs a case twice on fresh chains: the single-run oracles, then determinism and time. */
export function checkWasmCase(
  c: WasmCase,
  where: { seed: number | null; index: number | null },
  options: RunOptions & { slowMs?: number } = {},
): CaseCheck {
  const first = runWasmCase(c, options);
  const second = runWasmCase(c, options);
  const finding = (kind: WasmFindingKind, problem: string): WasmFinding => ({
    mode: 'wasm',
    kind,
    seed: where.seed,
    index: where.index,
    generator: c.generator,
    problem,
    case: c,
    steps: first.steps,
  });
  const findings = first.problems.map((p) => finding(p.kind, p.problem));
  if (first.problems.length === 0) {
    const a = JSON.stringify(first.steps);
    const b = JSON.stringify(second.steps);
    if (a !== b || first.deploy !== second.deploy) {
      const i = first.steps.findIndex((s, k) => JSON.stringify(s) !== JSON.stringify(second.steps[k]));
      findings.push(
        finding(
          'nondeterminism',
          `two runs differ at ${first.steps[i]?.step ?? 'the end'}: ${JSON.stringify(first.steps[i])} then ${JSON.stringify(second.steps[i])}`,
        ),
      );
    }
  }
  const ms = first.ms + second.ms;
  const slowMs = options.slowMs ?? 5000;
  if (ms > slowMs) findings.push(finding('slow', `two runs took ${ms.toFixed(0)} ms (more than ${slowMs} ms)`));
  return {
    generator: c.generator,
    deploy: first.deploy,
    refusal: first.refusal,
    calls: first.steps.filter((s) => s.step !== 'deploy').map(callOutcome),
    ms,
    findings,
  };
}

// ---- the fuzz loop ----

export interface WasmFuzzOptions {
  seed: number;
  cases?: number;
  seconds?: number;
  start?: number;
  /** A case slower than this (both runs) is a finding (default 5000). */
  slowMs?: number;
  /** Worker threads running cases; 0 runs them on this thread (no hang detection). Default 0. */
  jobs?: number;
  /** With workers: a case not finished after this many seconds is a hang (default 60). */
  caseTimeoutSeconds?: number;
  /** Report at most this many findings of the same kind and generator; the rest are counted. */
  perKindLimit?: number;
  /** Replaces the case checker (tests plant bugs with it; in-thread only). */
  check?: (c: WasmCase, where: { seed: number; index: number }) => CaseCheck;
  onFinding?: (finding: WasmFinding) => void;
  onProgress?: (stats: WasmFuzzStats) => void;
}

export interface WasmFuzzStats {
  seed: number;
  start: number;
  cases: number;
  elapsedMs: number;
  byGenerator: Record<string, number>;
  deploys: { activated: number; refused: number; failed: number; placed: number };
  /** Refusal reasons, numbers normalised, most frequent first (top 12). */
  topRefusals: [string, number][];
  calls: Record<string, number>;
  findings: number;
  kinds: Record<string, { count: number; first: number }>;
  slowest: { index: number; generator: string; ms: number }[];
}

class Tally {
  readonly stats: WasmFuzzStats;
  readonly refusals = new Map<string, number>();

  constructor(seed: number, start: number) {
    this.stats = {
      seed,
      start,
      cases: 0,
      elapsedMs: 0,
      byGenerator: {},
      deploys: { activated: 0, refused: 0, failed: 0, placed: 0 },
      topRefusals: [],
      calls: {},
      findings: 0,
      kinds: {},
      slowest: [],
    };
  }

  add(index: number, check: CaseCheck, perKindLimit: number, onFinding?: (f: WasmFinding) => void): void {
    const s = this.stats;
    s.cases++;
    const family = check.generator.split('/')[0]!;
    s.byGenerator[family] = (s.byGenerator[family] ?? 0) + 1;
    // A placed program activates at its first call: counted with the activated ones.
    s.deploys[check.deploy]++;
    if (check.refusal !== undefined) {
      const kind = refusalKind(check.refusal);
      this.refusals.set(kind, (this.refusals.get(kind) ?? 0) + 1);
    }
    for (const outcome of check.calls) s.calls[outcome] = (s.calls[outcome] ?? 0) + 1;
    if (s.slowest.length < 5 || check.ms > s.slowest[s.slowest.length - 1]!.ms) {
      s.slowest.push({ index, generator: check.generator, ms: Math.round(check.ms * 10) / 10 });
      s.slowest.sort((x, y) => y.ms - x.ms);
      s.slowest.length = Math.min(s.slowest.length, 5);
    }
    for (const f of check.findings) {
      s.findings++;
      const kind = `${f.kind} (${f.generator})`;
      const entry = (s.kinds[kind] ??= { count: 0, first: index });
      entry.count++;
      if (entry.count <= perKindLimit) onFinding?.(f);
    }
  }

  finish(began: number): WasmFuzzStats {
    this.stats.elapsedMs = performance.now() - began;
    this.stats.topRefusals = [...this.refusals].sort((a, b) => b[1] - a[1]).slice(0, 12);
    return this.stats;
  }
}

/** A worker that runs one case at a time (this module's worker half is wasm-worker.ts). */
class CaseWorker {
  private worker: Worker;
  constructor() {
    this.worker = new Worker(new URL('./wasm-worker.js', import.meta.url));
  }
  run(seed: number, index: number, slowMs: number, timeoutMs: number): Promise<CaseCheck | 'timeout'> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        void this.worker.terminate();
        this.worker = new Worker(new URL('./wasm-worker.js', import.meta.url));
        resolve('timeout');
      }, timeoutMs);
      const onMessage = (reply: CaseCheck) => {
        cleanup();
        resolve(reply);
      };
      const onError = (error: Error) => {
        cleanup();
        this.worker = new Worker(new URL('./wasm-worker.js', import.meta.url));
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
      };
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      this.worker.postMessage({ seed, index, slowMs });
    });
  }
  close(): Promise<number> {
    return this.worker.terminate();
  }
}

export async function fuzzWasm(options: WasmFuzzOptions): Promise<WasmFuzzStats> {
  const start = options.start ?? 0;
  const limit = options.cases ?? (options.seconds !== undefined ? Infinity : 1000);
  const deadline = options.seconds !== undefined ? performance.now() + options.seconds * 1000 : Infinity;
  const perKindLimit = options.perKindLimit ?? 3;
  const slowMs = options.slowMs ?? 5000;
  const began = performance.now();
  const tally = new Tally(options.seed, start);
  let lastProgress = began;
  const progress = () => {
    const now = performance.now();
    if (options.onProgress && now - lastProgress > 500) {
      lastProgress = now;
      tally.stats.elapsedMs = now - began;
      options.onProgress(tally.stats);
    }
  };
  let next = start;
  const more = () => next - start < limit && performance.now() < deadline;
  const jobs = options.check ? 0 : (options.jobs ?? 0);

  if (jobs === 0) {
    const check = options.check ?? ((c, where) => checkWasmCase(c, where, { slowMs }));
    while (more()) {
      const index = next++;
      let result: CaseCheck;
      const c = generateWasmCase(options.seed, index);
      try {
        result = check(c, { seed: options.seed, index });
      } catch (error) {
        // The checker itself failed (a harness bug): still a finding, never a lost case.
        result = {
          generator: c.generator,
          deploy: 'failed',
          calls: [],
          ms: 0,
          findings: [
            {
              mode: 'wasm',
              kind: 'crash',
              seed: options.seed,
              index,
              generator: c.generator,
              problem: `checker: ${errorText(error)}`,
              case: c,
            },
          ],
        };
      }
      tally.add(index, result, perKindLimit, options.onFinding);
      progress();
      // Let timers and I/O run now and then (progress output, signals).
      if (index % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return tally.finish(began);
  }

  const timeoutMs = (options.caseTimeoutSeconds ?? 60) * 1000;
  const workers = Array.from({ length: jobs }, () => new CaseWorker());
  const lane = async (worker: CaseWorker) => {
    while (more()) {
      const index = next++;
      let result: CaseCheck | 'timeout';
      try {
        result = await worker.run(options.seed, index, slowMs, timeoutMs);
      } catch (error) {
        const c = generateWasmCase(options.seed, index);
        result = {
          generator: c.generator,
          deploy: 'failed',
          calls: [],
          ms: 0,
          findings: [
            {
              mode: 'wasm',
              kind: 'crash',
              seed: options.seed,
              index,
              generator: c.generator,
              problem: `worker died: ${errorText(error)}`,
              case: c,
            },
          ],
        };
      }
      if (result === 'timeout') {
        const c = generateWasmCase(options.seed, index);
        result = {
          generator: c.generator,
          deploy: 'failed',
          calls: [],
          ms: timeoutMs,
          findings: [
            {
              mode: 'wasm',
              kind: 'hang',
              seed: options.seed,
              index,
              generator: c.generator,
              problem: `not finished after ${timeoutMs / 1000} s`,
              case: c,
            },
          ],
        };
      }
      tally.add(index, result, perKindLimit, options.onFinding);
      progress();
    }
  };
  try {
    await Promise.all(workers.map(lane));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  return tally.finish(began);
}

/** A finding as text: what broke, the case's shape and how to rerun it. */
export function formatWasmFinding(f: WasmFinding): string {
  const c = f.case;
  const where = f.seed !== null ? `seed ${f.seed}, case ${f.index}` : 'replayed case';
  const lines = [
    `WASM ${f.kind.toUpperCase()} (${where}, ${f.generator}, expect ${c.expect})`,
    `  ${f.problem.split('\n').slice(0, 8).join('\n    ')}`,
  ];
  lines.push(
    `  deploy by ${c.deploy} (gas ${c.deployGas}), target ${c.target}, program ${(c.program.length - 2) / 2} bytes: ${c.program.slice(0, 120)}…`,
  );
  for (const call of c.calls) lines.push(`  call via ${call.via}, gas ${call.gas}, value ${call.value}, data ${call.data.slice(0, 80)}`);
  for (const s of f.steps ?? [])
    lines.push(`  ${s.step}: ${s.success ? 'ok' : `failed (${s.error})`}, gas ${s.gasUsed}, output ${s.output.slice(0, 66)}`);
  if (f.seed !== null) lines.push(`  rerun: npm run fuzz -- --mode wasm --seed ${f.seed} --start ${f.index} --cases 1`);
  return lines.join('\n');
}
