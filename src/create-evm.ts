/**
 * The library entry point: `createEvm` gives an EVM over an in-memory state, to run calls and
 * transactions from scripts and tools.
 */
import type { Address } from './primitives/address.js';
import { DEFAULT_FORK, getRules, type ForkName, type Rules } from './forks/index.js';
import type { BlockContext } from './host/index.js';
import { WorldState } from './state/world-state.js';
import { Account } from './state/account.js';
import { stateRoot } from './state/roots.js';
import type { Transaction } from './tx/types.js';
import { runCallOnState, type CallParameters, type CallResult } from './exec/call.js';
import { runTransaction, type TransactionOptions, type TransactionResult } from './exec/transaction.js';
import { createMachines } from './exec/code.js';
import type { CodeCache, JitMode } from './evm/code-cache.js';

export interface CreateEvmOptions {
  fork?: ForkName | string;
  block?: Partial<BlockContext>;
  /**
   * Run Stylus-format WebAssembly programs beside EVM code (breaks EIP-3541 on purpose, so off
   * by default). Programs are brotli-compressed: initialise the decoder first (see docs/wasm.md).
   */
  wasm?: boolean;
  /**
   * When EVM code is compiled to JavaScript (docs/compiler.md): 'auto' (default) once it is hot,
   * 'always' on first call, 'never' (the interpreter only). Each EVM keeps its own code cache.
   */
  jit?: JitMode;
  /**
   * A code cache to share with other EVMs (many short-lived EVMs over the same contracts); its
   * own settings then apply and `jit` is ignored. Default: a cache of this EVM's own.
   */
  codeCache?: CodeCache;
}

export interface AccountInit {
  balance?: bigint;
  nonce?: bigint;
  code?: Uint8Array;
  storage?: Map<bigint, bigint> | Record<string, bigint>;
}

export interface Evm {
  readonly rules: Rules;
  readonly state: WorldState;
  block: BlockContext;
  setAccount(address: Address, account: AccountInit): void;
  runCall(params: CallParameters): CallResult;
  runTx(tx: Transaction, sender: Address, options?: TransactionOptions): TransactionResult;
  stateRoot(): Uint8Array;
  /** What this EVM's code cache holds and did (analyses, compilations, compile time). */
  readonly codeCache: CodeCache;
}

export function defaultBlock(overrides: Partial<BlockContext> = {}): BlockContext {
  return {
    coinbase: '0x0000000000000000000000000000000000000000',
    number: 1n,
    timestamp: 1n,
    gasLimit: 30_000_000n,
    baseFee: 0n,
    prevRandao: 0n,
    difficulty: 0n,
    blobBaseFee: 1n,
    chainId: 1n,
    blockHash: () => 0n,
    ...overrides,
  };
}

export function createEvm(options: CreateEvmOptions = {}): Evm {
  const rules = getRules(options.fork ?? DEFAULT_FORK, { wasm: options.wasm });
  const state = new WorldState();
  const machines = createMachines({ jit: options.jit, codeCache: options.codeCache });
  const evm: Evm = {
    codeCache: machines.codeCache,
    rules,
    state,
    block: defaultBlock(options.block),
    setAccount(address, init) {
      const account = new Account();
      account.balance = init.balance ?? 0n;
      account.nonce = init.nonce ?? 0n;
      if (init.code) account.setCode(init.code);
      if (init.storage) {
        const entries =
          init.storage instanceof Map ? init.storage.entries() : Object.entries(init.storage).map(([k, v]) => [BigInt(k), v] as const);
        for (const [slot, value] of entries) if (value !== 0n) account.storage.set(slot, value);
      }
      state.putAccount(address.toLowerCase(), account);
    },
    runCall(params) {
      return runCallOnState(
        state,
        { machines, ...params, caller: params.caller.toLowerCase(), to: params.to.toLowerCase() },
        evm.block,
        rules,
      );
    },
    runTx(tx, sender, txOptions) {
      return runTransaction(state, tx, sender.toLowerCase(), evm.block, rules, { machines, ...txOptions });
    },
    stateRoot() {
      return stateRoot(state.accountEntries());
    },
  };
  return evm;
}
