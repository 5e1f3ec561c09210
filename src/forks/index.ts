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

  // Opcode gas, as numbers (the interpreter counts gas in numbers). A static cost that some fork
  // changed is read once, when the fork's table is built; the constants of dynamic gas are read by
  // the handlers. A static cost no fork changed stays in the opcode's declaration.
  readonly gasSload: number;
  readonly gasBalance: number;
  readonly gasExtcodeSize: number;
  readonly gasExtcodeHash: number;
  readonly gasCall: number;
  readonly gasSelfdestruct: number;
  /** EXP per byte of the exponent: 10, then 50 (EIP-160). */
  readonly gasExpByte: number;
  /** EIP-2929 (Berlin): a warm account or slot; 0 before Berlin, which has no warm/cold pricing. */
  readonly gasWarmAccess: number;
  /** EIP-2929: the first access to an account in a transaction; 0 before Berlin. */
  readonly gasColdAccountAccess: number;
  /** EIP-2929: the first access to a storage slot in a transaction; 0 before Berlin. */
  readonly gasColdSload: number;
  /** SSTORE from zero to non-zero. */
  readonly gasSstoreSet: number;
  /** SSTORE of any other change (Berlin charges it less the cold surcharge, EIP-2929). */
  readonly gasSstoreReset: number;
  /**
   * Net-metered SSTORE (EIP-1283, EIP-2200) of a no-op or an already dirty slot: 200 (EIP-1283,
   * Constantinople only), 800 (EIP-2200, the SLOAD cost), 100 (EIP-2929 warm read); 0 in forks
   * without net metering.
   */
  readonly gasSstoreNoop: number;
  /** EIP-2200: SSTORE fails unless more than this is left; 0 before Istanbul. */
  readonly gasSstoreSentry: number;
  /** Refund for clearing a slot: 15000, then 4800 (EIP-3529). */
  readonly sstoreClearsScheduleRefund: number;
  /** Refund for a first SELFDESTRUCT: 24000, then 0 (EIP-3529). */
  readonly selfdestructRefund: number;
  /** CALL or CALLCODE with value. */
  readonly gasCallValue: number;
  /** CALL (and SELFDESTRUCT from EIP-150) that brings an account into existence. */
  readonly gasNewAccount: number;
  /** Added to the gas of a call that carries value. */
  readonly gasCallStipend: number;
  /** Per word copied: CALLDATACOPY, CODECOPY, EXTCODECOPY, RETURNDATACOPY, MCOPY. */
  readonly gasCopyWord: number;
  /** Per word hashed: KECCAK256, and CREATE2 hashing its initcode (EIP-1014). */
  readonly gasKeccakWord: number;
  /** EIP-3860 (Shanghai): per word of CREATE/CREATE2 initcode; 0 before Shanghai. */
  readonly gasInitcodeWord: number;
  /** LOG* per byte of data. */
  readonly gasLogData: number;

  // Transactions and code size limits
  readonly txDataNonZeroGas: bigint;
  /** Divisor of the refund cap: gasUsed / 2 before London, / 5 after (EIP-3529). */
  readonly maxRefundQuotient: bigint;
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

  // Chain options beyond mainnet
  /**
   * Stylus-format WebAssembly programs (code `EF F0 00` ...) may be deployed and run. Breaks
   * EIP-3541 on purpose, so it is never on unless a chain asks (see `ChainOptions`).
   */
  readonly wasm: boolean;
}

/** Options of a chain that are not a fork's: what `polyvm node --wasm` and `createEvm({ wasm })` set. */
export interface ChainOptions {
  wasm?: boolean;
}

export function forkIndex(name: ForkName): number {
  return FORK_ORDER.indexOf(name);
}

const cache = new Map<string, Rules>();

/** The rules of a fork, with any chain options (mainnet's rules when none are given). */
export function getRules(fork: ForkName | string, options: ChainOptions = {}): Rules {
  const name = parseFork(fork);
  const wasm = options.wasm === true;
  const key = wasm ? `${name}+wasm` : name;
  let rules = cache.get(key);
  if (!rules) {
    rules = Object.freeze({ ...buildRules(name), wasm });
    cache.set(key, rules);
  }
  return rules;
}

function buildRules(name: ForkName): Omit<Rules, 'wasm'> {
  const index = forkIndex(name);
  const at = (fork: ForkName) => index >= forkIndex(fork);
  const berlin = at('Berlin');
  const istanbul = at('Istanbul');
  const eip150 = at('TangerineWhistle');
  const london = at('London');
  const prague = at('Prague');
  const eip1283 = name === 'Constantinople';
  return {
    name,
    index,
    homestead: at('Homestead'),
    eip150,
    eip155: at('SpuriousDragon'),
    eip158: at('SpuriousDragon'),
    byzantium: at('Byzantium'),
    constantinople: at('Constantinople'),
    eip1283,
    istanbul,
    berlin,
    london,
    paris: at('Paris'),
    shanghai: at('Shanghai'),
    cancun: at('Cancun'),
    prague,
    osaka: at('Osaka'),

    // Under EIP-2929 the access cost is all dynamic (warm or cold), so these static parts are 0.
    gasSload: berlin ? 0 : istanbul ? 800 : eip150 ? 200 : 50,
    gasBalance: berlin ? 0 : istanbul ? 700 : eip150 ? 400 : 20,
    gasExtcodeSize: berlin ? 0 : eip150 ? 700 : 20,
    gasExtcodeHash: berlin ? 0 : istanbul ? 700 : 400,
    gasCall: berlin ? 0 : eip150 ? 700 : 40,
    gasSelfdestruct: eip150 ? 5000 : 0,
    gasExpByte: at('SpuriousDragon') ? 50 : 10,
    gasWarmAccess: berlin ? 100 : 0,
    gasColdAccountAccess: berlin ? 2600 : 0,
    gasColdSload: berlin ? 2100 : 0,
    gasSstoreSet: 20000,
    gasSstoreReset: 5000,
    gasSstoreNoop: berlin ? 100 : istanbul ? 800 : eip1283 ? 200 : 0,
    gasSstoreSentry: istanbul ? 2300 : 0,
    // EIP-3529: 5000 - 2100 + 1900 (reset minus cold slot plus an access-list storage key).
    sstoreClearsScheduleRefund: london ? 4800 : 15000,
    selfdestructRefund: london ? 0 : 24000,
    gasCallValue: 9000,
    gasNewAccount: 25000,
    gasCallStipend: 2300,
    gasCopyWord: 3,
    gasKeccakWord: 6,
    gasInitcodeWord: at('Shanghai') ? 2 : 0,
    gasLogData: 8,
    txDataNonZeroGas: istanbul ? 16n : 68n,
    maxRefundQuotient: london ? 5n : 2n,
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
