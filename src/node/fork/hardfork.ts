/**
 * The hardfork a forked chain runs: the remote block's. For Ethereum mainnet and Sepolia it comes
 * from their published activation blocks and times; for any other chain, from the fields the
 * block's header carries (each fork added some), with `latest` where the header cannot tell
 * (Prague and Osaka headers look alike).
 */
import type { BlockHeader } from '../../chain/header.js';
import type { ForkName } from '../../forks/index.js';

type Activation = readonly [ForkName, 'block' | 'time', bigint];

const MAINNET: readonly Activation[] = [
  ['Byzantium', 'block', 4_370_000n],
  ['Petersburg', 'block', 7_280_000n],
  ['Istanbul', 'block', 9_069_000n],
  ['Berlin', 'block', 12_244_000n],
  ['London', 'block', 12_965_000n],
  ['Paris', 'block', 15_537_394n],
  ['Shanghai', 'time', 1_681_338_455n],
  ['Cancun', 'time', 1_710_338_135n],
  ['Prague', 'time', 1_746_612_311n],
  ['Osaka', 'time', 1_764_798_551n],
];

const SEPOLIA: readonly Activation[] = [
  ['London', 'block', 0n],
  ['Paris', 'block', 1_735_371n],
  ['Shanghai', 'time', 1_677_557_088n],
  ['Cancun', 'time', 1_706_655_072n],
  ['Prague', 'time', 1_741_159_776n],
  ['Osaka', 'time', 1_760_427_360n],
];

const SCHEDULES = new Map<bigint, readonly Activation[]>([
  [1n, MAINNET],
  [11155111n, SEPOLIA],
]);

/** The fork of `header` on chain `chainId`; `latest` stands for what a header cannot distinguish. */
export function remoteHardfork(chainId: bigint, header: BlockHeader, latest: ForkName): ForkName {
  const schedule = SCHEDULES.get(chainId);
  if (schedule !== undefined) {
    let fork: ForkName = 'Byzantium';
    for (const [name, kind, at] of schedule) if ((kind === 'block' ? header.number : header.timestamp) >= at) fork = name;
    return fork;
  }
  if (header.requestsHash !== undefined) return latest;
  if (header.parentBeaconBlockRoot !== undefined) return 'Cancun';
  if (header.withdrawalsRoot !== undefined) return 'Shanghai';
  if (header.baseFeePerGas !== undefined) return header.difficulty === 0n ? 'Paris' : 'London';
  return 'Berlin';
}
