/**
 * Hardforks as data. Each fork is a `Rules` object: the fork's place in history, the EIPs it has
 * switched on, and the gas constants that changed along the way. Code asks `rules.xyz`, never
 * compares fork names on a hot path; the opcode table is built from these values once per fork.
 */

export const FORK_ORDER = [
  'Frontier',
  'Homestead',
  'TangerineWhistle',
  'SpuriousDragon',
  'Byzantium',
  'Constantinople',
  'Petersburg',
  'Istanbul',
  'Berlin',
  'London',
  'Paris',
  'Shanghai',
  'Cancun',
  'Prague',
  'Osaka',
] as const;

export type ForkName = (typeof FORK_ORDER)[number];

/** Other spellings used by the test fixtures and other clients. */
const ALIASES: Record<string, ForkName> = {
  eip150: 'TangerineWhistle',
  eip158: 'SpuriousDragon',
  constantinoplefix: 'Petersburg',
  merge: 'Paris',
  prague: 'Prague',
  osaka: 'Osaka',
};

/** Mainnet has run Osaka since December 2025. */
export const DEFAULT_FORK: ForkName = 'Osaka';

export class UnknownForkError extends Error {
  override name = 'UnknownForkError';
}

/** Resolves a fork name case-insensitively, accepting the fixtures' aliases. */
export function parseFork(name: string): ForkName {
  const lower = String(name).toLowerCase();
  for (const fork of FORK_ORDER) if (fork.toLowerCase() === lower) return fork;
  const alias = ALIASES[lower];
  if (alias) return alias;
  throw new UnknownForkError(`unknown fork "${name}"; known: ${FORK_ORDER.join(', ')}`);
}

export interface Rules {
  readonly name: ForkName;
  /** Index in FORK_ORDER; `rules.index >= forkIndex('Berlin')` reads "at least Berlin". */
  readonly index: number;

  // Feature switches (the EIP that introduced each)
  readonly homestead: boolean; // EIP-2, EIP-7
  readonly eip150: boolean; // 63/64 call gas, repriced IO
  readonly eip155: boolean; // replay protection
  readonly eip158: boolean; // EIP-161 empty account rules, EIP-170 code size
  readonly byzantium: boolean; // REVERT, RETURNDATA*, STATICCALL, status receipts
  readonly constantinople: boolean; // shifts, CREATE2, EXTCODEHASH
  readonly eip1283: boolean; // Constantinople-only net metering (removed by Petersburg)
  readonly istanbul: boolean; // EIP-2200, CHAINID, SELFBALANCE, EIP-1884, EIP-2028
  readonly berlin: boolean; // EIP-2929 access lists, EIP-2930 txs, EIP-2565
  readonly london: boolean; // EIP-1559, EIP-3529, EIP-3541, BASEFEE
  readonly paris: boolean; // PREVRANDAO
  readonly shanghai: boolean; // PUSH0, warm coinbase, initcode limit
  readonly cancun: boolean; // transient storage, MCOPY, blobs, EIP-6780
  readonly prague: boolean; // EIP-7702, BLS, EIP-7623, EIP-2935
  readonly osaka: boolean; // CLZ, P256VERIFY, modexp bounds, tx gas cap

  // Gas constants that forks changed
  readonly gasSload: bigint;
  readonly gasBalance: bigint;
  readonly gasExtcodeSize: bigint;
  readonly gasExtcodeHash: bigint;
  readonly gasCall: bigint;
  readonly gasSelfdestruct: bigint;
  readonly gasExpByte: bigint;
  readonly txDataNonZeroGas: bigint;
  /** Divisor of the refund cap: gasUsed / 2 before London, / 5 after (EIP-3529). */
  readonly maxRefundQuotient: bigint;
  readonly sstoreClearsScheduleRefund: bigint;
  readonly selfdestructRefund: bigint;
  readonly maxCodeSize: number;
  readonly maxInitcodeSize: number;

  // Blobs (EIP-4844, EIP-7691)
  readonly targetBlobGasPerBlock: bigint;
  readonly maxBlobGasPerBlock: bigint;
  readonly blobBaseFeeUpdateFraction: bigint;
  /** EIP-7594: the most blobs one transaction may carry (Osaka); undefined before. */
  readonly maxBlobsPerTx: number | undefined;
  /** EIP-7825: transaction gas limit cap (Osaka); undefined before. */
  readonly txGasLimitCap: bigint | undefined;
}

export function forkIndex(name: ForkName): number {
  return FORK_ORDER.indexOf(name);
}

const cache = new Map<ForkName, Rules>();

export function getRules(fork: ForkName | string): Rules {
  const name = parseFork(fork);
  let rules = cache.get(name);
  if (!rules) {
    rules = Object.freeze(buildRules(name));
    cache.set(name, rules);
  }
  return rules;
}

function buildRules(name: ForkName): Rules {
  const index = forkIndex(name);
  const at = (fork: ForkName) => index >= forkIndex(fork);
  const berlin = at('Berlin');
  const istanbul = at('Istanbul');
  const eip150 = at('TangerineWhistle');
  const london = at('London');
  const prague = at('Prague');
  return {
    name,
    index,
    homestead: at('Homestead'),
    eip150,
    eip155: at('SpuriousDragon'),
    eip158: at('SpuriousDragon'),
    byzantium: at('Byzantium'),
    constantinople: at('Constantinople'),
    eip1283: name === 'Constantinople',
    istanbul,
    berlin,
    london,
    paris: at('Paris'),
    shanghai: at('Shanghai'),
    cancun: at('Cancun'),
    prague,
    osaka: at('Osaka'),

    // Under EIP-2929 the warm cost (100) is the static part; the cold surcharge is dynamic.
    gasSload: berlin ? 0n : istanbul ? 800n : eip150 ? 200n : 50n,
    gasBalance: berlin ? 0n : istanbul ? 700n : eip150 ? 400n : 20n,
    gasExtcodeSize: berlin ? 0n : eip150 ? 700n : 20n,
    gasExtcodeHash: berlin ? 0n : istanbul ? 700n : 400n,
    gasCall: berlin ? 0n : eip150 ? 700n : 40n,
    gasSelfdestruct: eip150 ? 5000n : 0n,
    gasExpByte: at('SpuriousDragon') ? 50n : 10n,
    txDataNonZeroGas: istanbul ? 16n : 68n,
    maxRefundQuotient: london ? 5n : 2n,
    sstoreClearsScheduleRefund: london ? 4800n : 15000n,
    selfdestructRefund: london ? 0n : 24000n,
    maxCodeSize: at('SpuriousDragon') ? 24576 : Infinity,
    maxInitcodeSize: at('Shanghai') ? 49152 : Infinity,

    targetBlobGasPerBlock: prague ? 786432n : 393216n,
    maxBlobGasPerBlock: prague ? 1179648n : 786432n,
    blobBaseFeeUpdateFraction: prague ? 5007716n : 3338477n,
    maxBlobsPerTx: at('Osaka') ? 6 : undefined,
    txGasLimitCap: at('Osaka') ? 16777216n : undefined,
  };
}

export { GAS_PER_BLOB, MIN_BLOB_BASE_FEE } from './blobs.js';
