/**
 * geth's `prestateTracer`: every account the transaction touches as it was before (balance,
 * nonce, code, code hash, the storage slots read or written), found by watching the
 * instructions that reach other accounts and storage. With `diffMode`, the accounts that changed
 * as `pre` and `post`, only the fields that changed.
 */
import type { Address } from '../primitives/address.js';
import { create2Address, createAddress } from '../primitives/address.js';
import { bytesToHex, equalBytes, EMPTY_BYTES } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import type { JournaledHost, TracedTxStart, Tracer } from '../host/index.js';
import type { Rules } from '../forks/index.js';
import type { Frame } from '../evm/frame.js';
import { delegationTarget } from '../exec/delegation.js';
import { hex, quantity, sorted, word, type Json } from './json.js';
import { booleanConfig, TracerConfigError, type ResultTracer } from './types.js';
import { memoryCopyPadded, visitStepAccess, type AccessVisitor } from './step-access.js';

const EMPTY_CODE_HASH = bytesToHex(keccak256(EMPTY_BYTES));
const ZERO_HASH = '0x' + '00'.repeat(32);

export interface PreAccount {
  balance: bigint;
  nonce: bigint;
  code: Uint8Array | undefined;
  codeHash: string | undefined;
  storage: Map<bigint, bigint> | undefined;
  /** Did not exist (no nonce, code or balance) when first seen. */
  empty: boolean;
}

export interface PostAccount {
  balance?: bigint;
  nonce?: bigint;
  code?: Uint8Array;
  codeHash?: string;
  storage: Map<bigint, bigint>;
}

type PrestateOptions = Record<'diffMode' | 'disableCode' | 'disableStorage' | 'includeEmpty', boolean>;

/**
 * What the prestate tracer records: the hooks to attach, and once the transaction has ended the
 * accounts before it (`pre`) and, in diff mode, the changed fields after it (`post`). The accounts
 * in `pre` and not in `post` were deleted; those in `post` and not in `pre` did not exist before.
 */
export interface PrestateRecorder {
  hooks: Tracer;
  pre: Map<Address, PreAccount>;
  post: Map<Address, PostAccount>;
}

export function createPrestateTracer(config: unknown): ResultTracer {
  const options = booleanConfig('prestateTracer', config, ['diffMode', 'disableCode', 'disableStorage', 'includeEmpty'] as const);
  if (options.diffMode && options.includeEmpty) throw new TracerConfigError('prestateTracer: cannot use diffMode with includeEmpty');
  const { hooks, pre, post } = recordPrestate(options);
  return {
    ...hooks,
    result(): Json {
      const preJson = sorted([...pre].map(([address, account]) => [address, preAccountJson(account)] as [string, Json]));
      if (!options.diffMode) return preJson;
      const postJson = sorted([...post].map(([address, account]) => [address, postAccountJson(account)] as [string, Json]));
      return { post: postJson, pre: preJson };
    },
  };
}

export function recordPrestate(options: PrestateOptions): PrestateRecorder {
  const pre = new Map<Address, PreAccount>();
  const post = new Map<Address, PostAccount>();
  const created = new Set<Address>();
  const deleted = new Set<Address>();
  let host: JournaledHost | undefined;
  let rules: Rules | undefined;

  const lookupAccount = (address: Address): void => {
    if (pre.has(address)) return;
    const h = host!;
    const code = h.getCode(address);
    const account: PreAccount = {
      balance: h.getBalance(address),
      nonce: h.getNonce(address),
      code: code.length > 0 ? code : undefined,
      codeHash: code.length > 0 ? bytesToHex(h.getCodeHash(address)) : undefined,
      storage: undefined,
      empty: false,
    };
    account.empty = !(account.nonce > 0n || code.length > 0 || account.balance !== 0n);
    if (options.disableCode) account.code = undefined;
    if (!options.disableStorage) account.storage = new Map();
    pre.set(address, account);
  };

  const lookupStorage = (address: Address, slot: bigint): void => {
    if (options.disableStorage) return;
    lookupAccount(address);
    const storage = pre.get(address)!.storage!;
    if (!storage.has(slot)) storage.set(slot, host!.getStorage(address, slot));
  };

  const lookupDelegate = (address: Address): void => {
    if (!rules!.prague) return;
    const target = delegationTarget(host!.getCode(address));
    if (target !== undefined) lookupAccount(target);
  };

  const processDiff = (): void => {
    const h = host!;
    for (const [address, before] of pre) {
      if (deleted.has(address)) continue;
      let modified = false;
      const after: PostAccount = { storage: new Map() };
      const balance = h.getBalance(address);
      if (balance !== before.balance) {
        modified = true;
        after.balance = balance;
      }
      const nonce = h.getNonce(address);
      if (nonce !== before.nonce) {
        modified = true;
        after.nonce = nonce;
      }
      // geth's state answers the zero hash for an account that does not exist.
      const codeHash = h.accountExists(address) ? bytesToHex(h.getCodeHash(address)) : ZERO_HASH;
      if (codeHash !== (before.codeHash ?? EMPTY_CODE_HASH)) {
        modified = true;
        after.codeHash = codeHash;
      }
      if (!options.disableCode) {
        const code = h.getCode(address);
        if (!equalBytes(code, before.code ?? EMPTY_BYTES)) {
          modified = true;
          after.code = code;
        }
      }
      if (!options.disableStorage && before.storage !== undefined) {
        for (const [slot, value] of [...before.storage]) {
          if (value === 0n) before.storage.delete(slot);
          const now = h.getStorage(address, slot);
          if (now === value) before.storage.delete(slot);
          else {
            modified = true;
            if (now !== 0n) after.storage.set(slot, now);
          }
        }
      }
      if (modified) post.set(address, after);
      else pre.delete(address);
    }
  };

  const access: AccessVisitor = {
    slot: (address, slot) => lookupStorage(address, slot),
    account: (address, isCall) => {
      lookupAccount(address);
      if (isCall) lookupDelegate(address);
    },
  };

  const hooks: Tracer = {
    txStart(start: TracedTxStart) {
      host = start.host;
      rules = start.rules;
      if (start.isCreate) created.add(start.to);
      else lookupDelegate(start.to);
      lookupAccount(start.sender);
      lookupAccount(start.to);
      lookupAccount(start.block.coinbase);
      for (const authority of start.authorities) lookupAccount(authority);
    },
    step(traced, op) {
      const f = traced as Frame;
      const sp = f.sp;
      const stack = f.stack;
      const caller = f.message.address;
      visitStepAccess(f, op, access, 5);
      // EIP-6780: from Cancun only an account created in this transaction is deleted.
      if (op === 0xff && sp >= 1 && (!rules!.cancun || created.has(caller))) deleted.add(caller);
      switch (op) {
        case 0xf0: {
          // CREATE
          const address = createAddress(caller, host!.getNonce(caller));
          lookupAccount(address);
          created.add(address);
          break;
        }
        case 0xf5: {
          // CREATE2
          if (sp < 4) break;
          const initcode = memoryCopyPadded(f, stack[sp - 2]!, stack[sp - 3]!);
          if (initcode === undefined) break;
          const address = create2Address(caller, stack[sp - 4]!, keccak256(initcode));
          lookupAccount(address);
          created.add(address);
          break;
        }
      }
    },
    txEnd() {
      if (options.diffMode) processDiff();
      if (options.includeEmpty) return;
      for (const [address, account] of pre) if (account.empty) pre.delete(address);
    },
  };
  return { hooks, pre, post };
}

function storageJson(storage: Map<bigint, bigint>): Json {
  return sorted([...storage].map(([slot, value]) => [word(slot), word(value)] as [string, Json]));
}

function preAccountJson(a: PreAccount): Json {
  const out: Record<string, Json> = { balance: quantity(a.balance) };
  if (a.code !== undefined) out.code = hex(a.code);
  if (a.codeHash !== undefined) out.codeHash = a.codeHash;
  if (a.nonce !== 0n) out.nonce = Number(a.nonce);
  if (a.storage !== undefined && a.storage.size > 0) out.storage = storageJson(a.storage);
  return out;
}

function postAccountJson(a: PostAccount): Json {
  const out: Record<string, Json> = {};
  if (a.balance !== undefined) out.balance = quantity(a.balance);
  if (a.code !== undefined) out.code = hex(a.code);
  if (a.codeHash !== undefined) out.codeHash = a.codeHash;
  if (a.nonce !== undefined && a.nonce !== 0n) out.nonce = Number(a.nonce);
  if (a.storage.size > 0) out.storage = storageJson(a.storage);
  return out;
}
