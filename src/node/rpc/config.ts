/**
 * eth_config (EIP-7910): the configuration of the fork in force, as Anvil answers it. A dev chain
 * runs one fork from its first block, so `next` and `last` are null and the activation time is 0.
 * And the proof-of-work methods, which such a chain has no use for.
 */
import { bigintToHex as q } from '../../primitives/bytes.js';
import { crc32 } from '../../primitives/crc32.js';
import { GAS_PER_BLOB, type Rules } from '../../forks/index.js';
import { getPrecompiles, precompileAddress } from '../../evm/precompiles/index.js';
import {
  BEACON_ROOTS_ADDRESS,
  CONSOLIDATION_REQUEST_ADDRESS,
  DEPOSIT_CONTRACT_ADDRESS,
  HISTORY_STORAGE_ADDRESS,
  WITHDRAWAL_REQUEST_ADDRESS,
} from '../../chain/system-contracts.js';
import type { Method, MethodTable } from './context.js';
import { RpcError, invalidParams } from './errors.js';
import type { Json } from './format.js';
import * as p from './params.js';

/** The precompiles' names EIP-7910 gives (BN254 as the current text and Anvil name them). */
const PRECOMPILE_NAMES: [number, string][] = [
  [0x01, 'ECREC'],
  [0x02, 'SHA256'],
  [0x03, 'RIPEMD160'],
  [0x04, 'ID'],
  [0x05, 'MODEXP'],
  [0x06, 'BN254_ADD'],
  [0x07, 'BN254_MUL'],
  [0x08, 'BN254_PAIRING'],
  [0x09, 'BLAKE2F'],
  [0x0a, 'KZG_POINT_EVALUATION'],
  [0x0b, 'BLS12_G1ADD'],
  [0x0c, 'BLS12_G1MSM'],
  [0x0d, 'BLS12_G2ADD'],
  [0x0e, 'BLS12_G2MSM'],
  [0x0f, 'BLS12_PAIRING_CHECK'],
  [0x10, 'BLS12_MAP_FP_TO_G1'],
  [0x11, 'BLS12_MAP_FP2_TO_G2'],
  [0x100, 'P256VERIFY'],
];

/** One fork's configuration object; `forkId` is EIP-2124's hash of the chain's genesis and forks. */
export function forkConfig(rules: Rules, chainId: bigint, forkId: string): Record<string, Json> {
  const active = getPrecompiles(rules);
  const precompiles: Record<string, Json> = {};
  for (const [n, name] of PRECOMPILE_NAMES) {
    const address = precompileAddress(n);
    if (active.has(address)) precompiles[name] = address;
  }
  if (active.size !== Object.keys(precompiles).length) {
    throw new Error(`eth_config: a precompile of ${rules.name} has no EIP-7910 name`);
  }
  const systemContracts: Record<string, Json> = {};
  if (rules.cancun) systemContracts.BEACON_ROOTS_ADDRESS = BEACON_ROOTS_ADDRESS;
  if (rules.prague) {
    systemContracts.CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS = CONSOLIDATION_REQUEST_ADDRESS;
    systemContracts.DEPOSIT_CONTRACT_ADDRESS = DEPOSIT_CONTRACT_ADDRESS;
    systemContracts.HISTORY_STORAGE_ADDRESS = HISTORY_STORAGE_ADDRESS;
    systemContracts.WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS = WITHDRAWAL_REQUEST_ADDRESS;
  }
  return {
    activationTime: 0,
    blobSchedule: rules.cancun
      ? {
          baseFeeUpdateFraction: Number(rules.blobBaseFeeUpdateFraction),
          max: Number(rules.maxBlobGasPerBlock / GAS_PER_BLOB),
          target: Number(rules.targetBlobGasPerBlock / GAS_PER_BLOB),
        }
      : null,
    chainId: q(chainId),
    forkId,
    precompiles,
    systemContracts,
  };
}

/** EIP-2124's fork hash of a chain whose forks are all active at genesis: the CRC-32 of its hash. */
export function genesisForkId(genesisHash: Uint8Array): string {
  return '0x' + crc32(genesisHash).toString(16).padStart(8, '0');
}

/** EIP-1474's code for a method the node knows but does not support. */
const METHOD_NOT_SUPPORTED = -32004;

/** The proof-of-work methods: their parameters are checked, then refused, as Anvil refuses them. */
function noProofOfWork(check: (list: unknown[]) => void, min: number, max: number): Method {
  return (_ctx, params) => {
    check(p.expectParams(params, min, max));
    throw new RpcError(METHOD_NOT_SUPPORTED, 'not supported: this chain is not mined by proof of work');
  };
}

export const configMethods: MethodTable = {
  eth_getWork: noProofOfWork(() => {}, 0, 0),
  eth_submitWork: noProofOfWork(
    (list) => {
      const nonce = p.data(list[0], p.where(0, 'nonce'));
      if (nonce.length !== 8) throw invalidParams(`parameter 1 (nonce): expected 8 bytes, got ${nonce.length}`);
      p.hash(list[1], p.where(1, 'powHash'));
      p.hash(list[2], p.where(2, 'mixDigest'));
    },
    3,
    3,
  ),
  eth_submitHashrate: noProofOfWork(
    (list) => {
      p.quantity(list[0], p.where(0, 'hashrate'));
      p.hash(list[1], p.where(1, 'id'));
    },
    2,
    2,
  ),
  eth_config: (ctx, params) => {
    p.expectParams(params, 0, 0);
    const chain = ctx.chain;
    // A fork's first block is the remote's, not a genesis: its fork hash would need the remote's
    // history of forks, which Anvil does not give either (zero).
    const genesis = chain.blocks.first === 0n ? chain.blocks.byNumber(0n) : undefined;
    const forkId = genesis === undefined ? '0x00000000' : genesisForkId(genesis.hash);
    return { current: forkConfig(chain.rules, chain.chainId, forkId), next: null, last: null };
  },
};
