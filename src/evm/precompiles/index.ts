/**
 * The precompiled contracts active at each fork, keyed by lowercase 0x-prefixed address.
 * The set is also what EIP-2929 pre-warms, so it must be exactly the fork's set.
 */
import type { ForkName, Rules } from '../../forks/index.js';
import type { Precompile } from './types.js';
import { ecrecover } from './ecrecover.js';
import { sha256 } from './sha256.js';
import { ripemd160 } from './ripemd160.js';
import { identity } from './identity.js';
import { modexp } from './modexp.js';
import { blake2f } from './blake2f.js';
// Loaded on first call (see lazy.ts).
import {
  bn254Add,
  bn254Mul,
  bn254Pairing,
  pointEvaluation,
  g1Add,
  g1Msm,
  g2Add,
  g2Msm,
  pairingCheck,
  mapFpToG1,
  mapFp2ToG2,
  p256Verify,
} from './lazy.js';

/** The address of precompile number `n`: n as a 20-byte big-endian word. */
export function precompileAddress(n: number): string {
  return '0x' + n.toString(16).padStart(40, '0');
}

const cache = new Map<ForkName, Map<string, Precompile>>();

export function getPrecompiles(rules: Rules): Map<string, Precompile> {
  let precompiles = cache.get(rules.name);
  if (!precompiles) {
    precompiles = buildPrecompiles(rules);
    cache.set(rules.name, precompiles);
  }
  return precompiles;
}

function buildPrecompiles(rules: Rules): Map<string, Precompile> {
  const map = new Map<string, Precompile>();
  const add = (n: number, precompile: Precompile) => map.set(precompileAddress(n), precompile);

  // Frontier
  add(0x01, ecrecover);
  add(0x02, sha256);
  add(0x03, ripemd160);
  add(0x04, identity);
  if (rules.byzantium) {
    add(0x05, modexp); // EIP-198
    add(0x06, bn254Add); // EIP-196
    add(0x07, bn254Mul); // EIP-196
    add(0x08, bn254Pairing); // EIP-197
  }
  if (rules.istanbul) add(0x09, blake2f); // EIP-152
  if (rules.cancun) add(0x0a, pointEvaluation); // EIP-4844

  if (rules.prague) {
    // EIP-2537: BLS12-381
    add(0x0b, g1Add);
    add(0x0c, g1Msm);
    add(0x0d, g2Add);
    add(0x0e, g2Msm);
    add(0x0f, pairingCheck);
    add(0x10, mapFpToG1);
    add(0x11, mapFp2ToG2);
  }
  if (rules.osaka) add(0x100, p256Verify); // EIP-7951

  return map;
}
