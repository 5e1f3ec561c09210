/**
 * Case generation: picks a fork and a generator by weight, builds the world around the
 * generator's contracts, chooses the call's gas, and sometimes squeezes the gas so the call runs
 * out at a chosen instruction of the top frame ("out of gas at every possible point").
 * Everything comes from `Random.forCase(seed, index)`: a case is reproducible from those two.
 */
import type { ForkName } from '../../../dist/forks/index.js';
import { polyvmGasProfile } from '../../peer/polyvm.js';
import { baseWorld, CALLER, CONTRACT_A, CONTRACT_B, CONTRACT_C, fuzzBlock, COINBASE, NOBODY, type FuzzCase } from '../case.js';
import { Random } from '../random.js';
import { calleeProgram } from './callee.js';
import { callsScenario } from './calls.js';
import { jumpsScenario, recursionScenario, stackLimitsScenario } from './control.js';
import { createsScenario } from './creates.js';
import { memoryScenario } from './memory.js';
import { precompilesScenario } from './precompiles.js';
import { ProgramWriter, forkAtLeast, newContext, precompileAddresses, type GenContext } from './program.js';
import { randomProgram } from './random-ops.js';
import { contract, type Generator, type Scenario } from './scenario.js';
import { accessScenario, arithmeticScenario } from './observe.js';
import { storageScenario } from './storage.js';
import { delegationScenario, environmentScenario, selfdestructScenario } from './world.js';

function randomScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const callee = () => (rng.chance(0.5) ? randomProgram(new ProgramWriter(ctx), 3, 60) : calleeProgram(ctx));
  return {
    name: 'random',
    accounts: [
      [CONTRACT_A, contract(ctx, randomProgram(new ProgramWriter(ctx), 5, 150, true))],
      [CONTRACT_B, contract(ctx, callee())],
      [CONTRACT_C, contract(ctx, callee())],
    ],
  };
}

interface GeneratorEntry {
  name: string;
  weight: number;
  generate: Generator;
  since?: ForkName;
}

export const GENERATORS: readonly GeneratorEntry[] = [
  { name: 'random', weight: 30, generate: randomScenario },
  { name: 'calls', weight: 12, generate: callsScenario },
  { name: 'creates', weight: 10, generate: createsScenario },
  { name: 'memory', weight: 8, generate: memoryScenario },
  { name: 'storage', weight: 8, generate: storageScenario },
  { name: 'precompiles', weight: 9, generate: precompilesScenario },
  { name: 'jumps', weight: 4, generate: jumpsScenario },
  { name: 'stack', weight: 1.5, generate: stackLimitsScenario },
  { name: 'recursion', weight: 1, generate: recursionScenario },
  { name: 'selfdestruct', weight: 5, generate: selfdestructScenario },
  { name: 'environment', weight: 5, generate: environmentScenario },
  { name: 'delegation', weight: 5, generate: delegationScenario, since: 'Prague' },
  { name: 'arithmetic', weight: 6, generate: arithmeticScenario },
  { name: 'access', weight: 5, generate: accessScenario },
];

export const DEFAULT_FORKS: readonly ForkName[] = ['Cancun', 'Prague', 'Osaka'];

export interface GenerateOptions {
  forks?: readonly ForkName[];
  /** Only these generators (by name). */
  generators?: readonly string[];
  /** How often the gas is squeezed to run out at a chosen instruction. */
  squeezeRate?: number;
}

export function generateCase(seed: number, index: number, options: GenerateOptions = {}): FuzzCase {
  const rng = Random.forCase(seed, index);
  const fork = rng.pick(options.forks ?? DEFAULT_FORKS);
  const entries = GENERATORS.filter(
    (g) =>
      (options.generators === undefined || options.generators.includes(g.name)) && (g.since === undefined || forkAtLeast(fork, g.since)),
  );
  if (entries.length === 0) throw new Error(`no generator for ${fork} among ${options.generators?.join(', ')}`);
  const entry = rng.weighted(entries.map((g) => [g.weight, g] as const));
  const baseFee = rng.pick([0n, 7n, 1000n]);
  const block = fuzzBlock({
    baseFee,
    prevRandao: rng.bigint(256),
    coinbase: rng.chance(0.1) ? rng.pick([CONTRACT_B, CALLER]) : COINBASE,
    timestamp: 1_700_000_000n + BigInt(rng.int(1000)),
    blobBaseFee: rng.pick([1n, 1n, 3n]),
  });
  const ctx = newContext(rng, fork, block.number);
  const scenario = entry.generate(ctx);
  const pre = baseWorld();
  for (const [address, account] of scenario.accounts) pre.set(address, account);
  const gas =
    scenario.gas ??
    rng.weighted<bigint>([
      [8, BigInt(rng.int(21_000))],
      [35, BigInt(rng.range(21_000, 200_000))],
      [37, BigInt(rng.range(200_000, 1_000_000))],
      [15, BigInt(rng.range(1_000_000, 5_000_000))],
      [5, 30_000_000n],
    ]);
  const fuzzCase: FuzzCase = {
    generator: scenario.name,
    fork,
    block,
    pre,
    call: {
      caller: CALLER,
      to: CONTRACT_A,
      data: scenario.data ?? rng.bytes(rng.chance(0.5) ? 0 : rng.int(70)),
      value: scenario.value ?? (rng.chance(0.1) ? BigInt(1 + rng.int(10_000)) : 0n),
      gas,
      gasPrice: baseFee + BigInt(rng.int(3)),
    },
  };
  // Now and then the transaction calls something other than A: an account without code (empty,
  // absent, or delegated), a precompile, or another contract.
  if (rng.chance(0.05)) {
    const others = [
      ...ctx.addresses.filter((address) => pre.has(address) && address !== CALLER),
      NOBODY,
      rng.pick(precompileAddresses(fork)),
    ];
    fuzzCase.call.to = rng.pick(others);
    // A scenario's gas fits its own entry point: the 2^41 of a recursion, sent into a looping
    // callee instead, is 10^10 iterations for both engines (seed 1004 case 76386).
    if (fuzzCase.call.gas > 30_000_000n) fuzzCase.call.gas = 30_000_000n;
    if (rng.chance(0.5)) fuzzCase.call.data = rng.bytes(rng.int(300));
    fuzzCase.generator += '/to-other';
  }
  if (rng.chance(options.squeezeRate ?? 0.15)) squeezeGas(fuzzCase, rng);
  return fuzzCase;
}

/** Sets the gas so the top frame runs out at (or just after) a chosen instruction. */
function squeezeGas(c: FuzzCase, rng: Random): void {
  const profile = polyvmGasProfile(c.pre, c.call, c);
  if (profile.length === 0) return;
  const step = rng.int(profile.length);
  const usedBefore = c.call.gas - BigInt(profile[step]!);
  c.call.gas =
    usedBefore +
    BigInt(
      rng.weighted([
        [40, 0],
        [30, rng.int(4)],
        [30, rng.int(3000)],
      ]),
    );
  c.generator += '/oog';
}
