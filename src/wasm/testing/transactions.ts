/**
 * Test support: transactions for programs on a chain (deploys and calls through `runTx`, as a
 * node would run them), and init code that returns arbitrary bytes as the new account's code.
 */
import type { Address } from '../../primitives/address.js';
import { concatBytes } from '../../primitives/bytes.js';

/** Osaka's transaction gas cap (EIP-7825): 2^24. */
export const TX_GAS_CAP = 1n << 24n;

/**
 * An EIP-1559 transaction (chain 1, zero fees) from the sender's `nonce`; `to` null creates. Typed
 * by its shape: wasm/ may not import tx/, a sibling layer.
 */
export function transaction(to: Address | null, data: Uint8Array, nonce: bigint, gasLimit = 5_000_000n) {
  return {
    type: 2 as const,
    chainId: 1n,
    nonce,
    gasPrice: undefined,
    maxPriorityFeePerGas: 0n,
    maxFeePerGas: 0n,
    gasLimit,
    to,
    value: 0n,
    data,
    accessList: [] as never[],
    maxFeePerBlobGas: undefined,
    blobVersionedHashes: undefined,
    authorizationList: undefined,
    v: 0n,
    r: 0n,
    s: 0n,
  };
}

/**
 * Init code whose runtime code is `code` (at most 255 bytes), whatever it holds:
 * PUSH1 len PUSH1 12 PUSH1 0 CODECOPY PUSH1 len PUSH1 0 RETURN, then the code at offset 12.
 */
export function returningInitcode(code: Uint8Array): Uint8Array {
  if (code.length > 255) throw new RangeError('returningInitcode takes at most 255 bytes');
  const n = code.length;
  return concatBytes(Uint8Array.of(0x60, n, 0x60, 12, 0x60, 0, 0x39, 0x60, n, 0x60, 0, 0xf3), code);
}
