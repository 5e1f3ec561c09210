/**
 * The precompiles built on large cryptography libraries (bn254 pairings, BLS12-381, P-256, KZG:
 * @noble/curves and micro-eth-signer) are loaded on their first call, not when polyvm is
 * imported: a process that never calls them (most dev-node sessions, `polyvm run`) does not pay
 * the ~250 ms it takes to load them. Under Node.js the first call loads the module synchronously
 * (`require` of an ES module); in a browser, `await loadPrecompiles()` (or `loadKzgSetup()` for
 * 0x0a alone) first, which bundlers split into chunks of their own.
 */
import { nodeModule } from '../../primitives/node-require.js';
import type { Precompile } from './types.js';

type Modules = {
  bn254: typeof import('./bn254.js');
  bls: typeof import('./bls12381.js');
  p256: typeof import('./p256verify.js');
  kzg: typeof import('./point-evaluation.js');
};

const SPECIFIERS: { [K in keyof Modules]: string } = {
  bn254: './bn254.js',
  bls: './bls12381.js',
  p256: './p256verify.js',
  kzg: './point-evaluation.js',
};

const loaded: Partial<Modules> = {};

/** 0x0a ran where the trusted setup was neither loaded nor loadable synchronously (a browser). */
export class KzgSetupError extends Error {
  override name = 'KzgSetupError';
}

/** A precompile ran where its module was neither loaded nor loadable synchronously (a browser). */
export class PrecompileNotLoadedError extends Error {
  override name = 'PrecompileNotLoadedError';
}

function module<K extends keyof Modules>(key: K): Modules[K] {
  let found = loaded[key];
  if (found === undefined) {
    found = nodeModule<Modules[K]>(import.meta.url, SPECIFIERS[key]);
    if (found === undefined) {
      if (key === 'kzg') {
        throw new KzgSetupError(
          'the point evaluation precompile (0x0a) needs the KZG trusted setup: await loadKzgSetup() (exported by polyvm) before running code that calls it',
        );
      }
      throw new PrecompileNotLoadedError(`the ${key} precompiles are not loaded: await loadPrecompiles() (exported by polyvm) first`);
    }
    loaded[key] = found;
  }
  return found;
}

/** Loads the KZG code and trusted setup for 0x0a; in a browser, await it before code may call 0x0a. */
export async function loadKzgSetup(): Promise<void> {
  // Literal specifiers, so that bundlers see each import and split it into a chunk of its own.
  loaded.kzg ??= await import('./point-evaluation.js');
  await loaded.kzg.loadTrustedSetup();
}

/** Loads every precompile's code (and the KZG setup); in a browser, await it before running code. */
export async function loadPrecompiles(): Promise<void> {
  loaded.bn254 ??= await import('./bn254.js');
  loaded.bls ??= await import('./bls12381.js');
  loaded.p256 ??= await import('./p256verify.js');
  await loadKzgSetup();
}

export const bn254Add: Precompile = (input, gas, rules) => module('bn254').bn254Add(input, gas, rules);
export const bn254Mul: Precompile = (input, gas, rules) => module('bn254').bn254Mul(input, gas, rules);
export const bn254Pairing: Precompile = (input, gas, rules) => module('bn254').bn254Pairing(input, gas, rules);
export const pointEvaluation: Precompile = (input, gas, rules) => module('kzg').pointEvaluation(input, gas, rules);
export const g1Add: Precompile = (input, gas, rules) => module('bls').g1Add(input, gas, rules);
export const g1Msm: Precompile = (input, gas, rules) => module('bls').g1Msm(input, gas, rules);
export const g2Add: Precompile = (input, gas, rules) => module('bls').g2Add(input, gas, rules);
export const g2Msm: Precompile = (input, gas, rules) => module('bls').g2Msm(input, gas, rules);
export const pairingCheck: Precompile = (input, gas, rules) => module('bls').pairingCheck(input, gas, rules);
export const mapFpToG1: Precompile = (input, gas, rules) => module('bls').mapFpToG1(input, gas, rules);
export const mapFp2ToG2: Precompile = (input, gas, rules) => module('bls').mapFp2ToG2(input, gas, rules);
export const p256Verify: Precompile = (input, gas, rules) => module('p256').p256Verify(input, gas, rules);
