/**
 * One transaction: validity checks against the block and the state (the stateless rules are
 * `validateTransaction`'s, in tx/), buying gas, the message call or create,
 * refunds, the fee to the coinbase, and the end-of-transaction account rules.
 */
import type { Address } from '../primitives/address.js';
import { createAddress } from '../primitives/address.js';
import type { BlockContext, Environment, FrameResult, JournaledHost, Log, Message, Tracer } from '../host/index.js';
import { GAS_PER_BLOB, type Rules } from '../forks/index.js';
import type { Transaction } from '../tx/types.js';
import { invalidTransaction, type TransactionExceptionName } from '../tx/errors.js';
import { validateTransaction, MAX_NONCE, recoverAuthority, type ValidatedTransaction } from '../tx/index.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import { joinGas, splitGas } from '../host/gas.js';
import { Status, statusMessage, succeeded } from '../host/status.js';
import { FrameLoop } from './frame-loop.js';
import { applyAuthorizations } from './authorizations.js';
import { isDelegation } from './delegation.js';
import { codeResolver, resolveTopLevelCode, type Machines } from './code.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';

export interface TransactionOptions {
  tracer?: Tracer;
  /** Where programs' debug output goes (WebAssembly `console` host functions). */
  print?: (line: string) => void;
  /** Gas already used in the block: a transaction may not need more than what is left. */
  blockGasUsed?: bigint;
  /** Blob gas already used in the block. */
  blockBlobGasUsed?: bigint;
  /**
   * Let a sender with code send (geth does for eth_call and gas estimation, where a contract
   * may be the caller; a dev chain does for an impersonated sender, as Anvil does). Never for a
   * transaction of a real block: EIP-3607 forbids it.
   */
  allowSenderWithCode?: boolean;
  /** The engine's VMs (its code cache and compiler tier); the shared default when absent. */
  machines?: Machines;
  /**
   * Leave the fee to the coinbase out of the state and return it as `coinbaseFee` (parallel
   * block execution credits it later, so that the coinbase is not a conflict between every
   * pair of transactions). Only where EIP-161 holds: the caller applies its rules to the coinbase.
   */
  deferCoinbaseFee?: boolean;
}

export interface TransactionResult {
  /** Gas charged to the sender (after refunds; at least the EIP-7623 floor). */
  gasUsed: bigint;
  /** Gas the block counts: like gasUsed. */
  blockGasUsed: bigint;
  /** Gas given back from the refund counter (capped per EIP-3529). */
  gasRefunded: bigint;
  blobGasUsed: bigint;
  status: Status;
  success: boolean;
  /** Error text for a failed execution ("execution reverted", "out of gas", ...). */
  error: string | undefined;
  /** More on a failure where a VM could say more than its status (a WebAssembly program refused at deploy). */
  reason?: string;
  output: Uint8Array;
  logs: Log[];
  createdAddress: Address | undefined;
  /** The fee the coinbase receives (credited already, unless `deferCoinbaseFee`). */
  coinbaseFee: bigint;
}

function invalid(name: TransactionExceptionName, message: string): never {
  throw invalidTransaction(name, message);
}

/** What the checks against the block and the sender's account compute for execution. */
export interface SenderCheck {
  /** The price per gas the sender pays (EIP-1559: base fee plus the priority fee, capped). */
  gasPrice: bigint;
  blobGasUsed: bigint;
  /** The sender's nonce before the transaction. */
  nonce: bigint;
}

/**
 * The rules that need the block and the sender's account: block gas and blob gas left, the fee
 * caps against the base fees, the balance against the maximum cost, the nonce, and EIP-3607.
 * Each broken rule goes to `fail`, in the specification's order; the default throws the first.
 * A caller that passes a `fail` which returns learns every rule the transaction breaks (block
 * import does, to name all the reasons an invalid transaction is invalid).
 */
export function checkAgainstBlockAndSender(
  state: JournaledHost,
  tx: Transaction,
  sender: Address,
  block: BlockContext,
  rules: Rules,
  options: TransactionOptions = {},
  fail: (name: TransactionExceptionName, message: string) => void = invalid,
): SenderCheck {
  const blockGasUsed = options.blockGasUsed ?? 0n;
  if (tx.gasLimit > block.gasLimit - blockGasUsed) {
    fail('GAS_ALLOWANCE_EXCEEDED', `gas limit ${tx.gasLimit} exceeds the block's remaining gas ${block.gasLimit - blockGasUsed}`);
  }
  const isFeeMarket = tx.type >= 2;
  let gasPrice: bigint;
  let maxGasPrice: bigint;
  if (isFeeMarket) {
    const maxFee = tx.maxFeePerGas!;
    const priority = tx.maxPriorityFeePerGas!;
    if (maxFee < block.baseFee) fail('INSUFFICIENT_MAX_FEE_PER_GAS', `max fee per gas ${maxFee} is below the base fee ${block.baseFee}`);
    if (priority > maxFee) fail('PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS', `priority fee ${priority} exceeds max fee ${maxFee}`);
    gasPrice = priority + block.baseFee < maxFee ? priority + block.baseFee : maxFee;
    maxGasPrice = maxFee;
  } else {
    gasPrice = tx.gasPrice!;
    if (rules.london && gasPrice < block.baseFee)
      fail('INSUFFICIENT_MAX_FEE_PER_GAS', `gas price ${gasPrice} is below the base fee ${block.baseFee}`);
    maxGasPrice = gasPrice;
  }

  let blobGasUsed = 0n;
  let maxBlobFee = 0n;
  if (tx.type === 3) {
    blobGasUsed = GAS_PER_BLOB * BigInt(tx.blobVersionedHashes!.length);
    if (tx.maxFeePerBlobGas! < block.blobBaseFee) {
      fail(
        'INSUFFICIENT_MAX_FEE_PER_BLOB_GAS',
        `max fee per blob gas ${tx.maxFeePerBlobGas} is below the blob base fee ${block.blobBaseFee}`,
      );
    }
    if ((options.blockBlobGasUsed ?? 0n) + blobGasUsed > rules.maxBlobGasPerBlock) {
      fail('TYPE_3_TX_BLOB_COUNT_EXCEEDED', `blob gas ${blobGasUsed} exceeds the block's maximum ${rules.maxBlobGasPerBlock}`);
    }
    maxBlobFee = blobGasUsed * tx.maxFeePerBlobGas!;
  }

  const balance = state.getBalance(sender);
  const nonce = state.getNonce(sender);
  const maxCost = tx.gasLimit * maxGasPrice + maxBlobFee + tx.value;
  if (balance < maxCost) fail('INSUFFICIENT_ACCOUNT_FUNDS', `sender balance ${balance} is below the maximum cost ${maxCost}`);
  if (tx.nonce !== nonce) {
    fail(tx.nonce < nonce ? 'NONCE_MISMATCH_TOO_LOW' : 'NONCE_MISMATCH_TOO_HIGH', `transaction nonce ${tx.nonce}, account nonce ${nonce}`);
  }
  if (nonce >= MAX_NONCE) fail('NONCE_IS_MAX', 'sender nonce is at its maximum');
  // EIP-3607: the sender must not have code (EIP-7702: a delegation designator is allowed).
  const senderCode = state.getCode(sender);
  if (senderCode.length > 0 && !options.allowSenderWithCode && !(rules.prague && isDelegation(senderCode))) {
    fail('SENDER_NOT_EOA', `sender ${sender} has code`);
  }
  return { gasPrice, blobGasUsed, nonce };
}

/**
 * Runs `tx` from `sender` against `state`: the stateless rules first (`validateTransaction`),
 * then `runValidatedTransaction`. The sender is given; a signed transaction's is recovered by
 * `validateTransaction` before. A transaction the protocol rejects throws InvalidTransactionError
 * and leaves the state untouched.
 */
export function runTransaction(
  state: JournaledHost,
  tx: Transaction,
  sender: Address,
  block: BlockContext,
  rules: Rules,
  options: TransactionOptions = {},
): TransactionResult {
  return runValidatedTransaction(state, validateTransaction(tx, rules, { chainId: block.chainId, sender }), block, rules, options);
}

/**
 * Runs a transaction that passed `validateTransaction` for these rules and this block's chain
 * (the pool and the block builder hold such values), without applying the stateless rules again.
 */
export function runValidatedTransaction(
  state: JournaledHost,
  validated: ValidatedTransaction,
  block: BlockContext,
  rules: Rules,
  options: TransactionOptions = {},
): TransactionResult {
  const { tx, sender } = validated;
  const { gasPrice, blobGasUsed, nonce } = checkAgainstBlockAndSender(state, tx, sender, block, rules, options);

  // ---- execution ----
  const tracer = options.tracer;
  if (tracer !== undefined && tracer.txStart !== undefined) {
    const authorities: Address[] = [];
    for (const auth of tx.authorizationList ?? []) {
      const authority = recoverAuthority(auth);
      if (authority !== undefined) authorities.push(authority);
    }
    tracer.txStart({
      host: state,
      block,
      rules,
      sender,
      to: tx.to ?? createAddress(sender, nonce),
      isCreate: tx.to === null,
      gasLimit: tx.gasLimit,
      gasPrice,
      authorities,
    });
  }
  const blobGasPrice = block.blobBaseFee;
  state.incrementNonce(sender);
  state.subBalance(sender, tx.gasLimit * gasPrice + blobGasUsed * blobGasPrice);

  // EIP-2929: the sender, the target, the precompiles and the access list start warm.
  if (rules.berlin) {
    state.warmAddress(sender);
    state.warmForTransaction(getPrecompiles(rules));
    for (const entry of tx.accessList) {
      state.warmAddress(entry.address);
      for (const key of entry.storageKeys) state.warmSlot(entry.address, key);
    }
    // EIP-3651: the coinbase is warm.
    if (rules.shanghai) state.warmAddress(block.coinbase);
  }

  const env: Environment = {
    host: state,
    code: codeResolver(state, rules),
    block,
    tx: { origin: sender, gasPrice, blobVersionedHashes: tx.blobVersionedHashes ?? [] },
    rules,
    tracer: options.tracer,
    print: options.print,
  };
  const loop = new FrameLoop(state, env, options.machines);
  const { gas, reserve } = splitGas(tx.gasLimit - validated.intrinsicGas);
  const isCreate = tx.to === null;
  const target = isCreate ? createAddress(sender, nonce) : tx.to!;
  if (rules.berlin) state.warmAddress(target);
  // EIP-7702: authorizations apply before the call and stay even if it fails.
  const authorizationRefund = tx.type === 4 ? applyAuthorizations(state, tx, block.chainId, rules) : 0n;
  const { code, codeAddress, codeKind, delegate } = isCreate
    ? { code: tx.data, codeAddress: target, codeKind: 'evm' as const, delegate: undefined }
    : resolveTopLevelCode(state, target, rules);

  const message: Message = {
    caller: sender,
    address: target,
    codeAddress,
    value: tx.value,
    data: isCreate ? EMPTY_BYTES : tx.data,
    code,
    codeKind,
    gas,
    reserve,
    depth: 0,
    isStatic: false,
    isCreate,
    transfersValue: true,
    precompilesDisabled: delegate !== undefined,
  };
  let result: FrameResult;
  if (isCreate && loop.collides(target)) {
    result = { status: Status.CreateCollision, gasLeft: 0, output: EMPTY_BYTES, createdAddress: undefined };
    if (tracer !== undefined) {
      tracer.enter?.({ type: 'CREATE', depth: 0, from: sender, to: target, input: tx.data, gas: joinGas(gas, reserve), value: tx.value });
      tracer.exit?.({ depth: 0, output: EMPTY_BYTES, gasUsed: joinGas(gas, reserve), error: statusMessage(result.status), reverted: true });
    }
  } else {
    result = loop.run(message);
  }

  // ---- refunds and fees ----
  const gasLeft = joinGas(result.gasLeft, result.gasReserve);
  let gasUsed = tx.gasLimit - gasLeft;
  const success = succeeded(result.status);
  const refundCounter = (success ? BigInt(Math.max(0, state.refund)) : 0n) + authorizationRefund;
  const refund = refundCounter < gasUsed / rules.maxRefundQuotient ? refundCounter : gasUsed / rules.maxRefundQuotient;
  gasUsed -= refund;
  // EIP-7623 (Prague): a transaction pays at least its calldata floor (0 before).
  if (gasUsed < validated.floorGas) gasUsed = validated.floorGas;
  state.addBalance(sender, (tx.gasLimit - gasUsed) * gasPrice);

  const priorityFee = rules.london ? gasPrice - block.baseFee : gasPrice;
  const fee = gasUsed * priorityFee;
  // Before EIP-161 the coinbase is credited (so created) even when the fee is zero.
  if (options.deferCoinbaseFee === true) {
    if (!rules.eip158) throw new Error('deferCoinbaseFee needs the EIP-161 rules');
  } else if (fee !== 0n || !rules.eip158) state.addBalance(block.coinbase, fee);
  else if (rules.eip158 && state.accountExists(block.coinbase) && state.isEmpty(block.coinbase)) state.touch(block.coinbase);

  const logs = success ? state.logs : [];
  state.finalizeTransaction({ deleteEmptyTouched: rules.eip158 });
  const error = success
    ? undefined
    : result.reason !== undefined
      ? `${statusMessage(result.status)}: ${result.reason}`
      : statusMessage(result.status);
  if (tracer !== undefined && tracer.txEnd !== undefined) tracer.txEnd({ gasUsed, output: result.output, error });
  return {
    gasUsed,
    blockGasUsed: gasUsed,
    gasRefunded: refund,
    blobGasUsed,
    status: result.status,
    success,
    error,
    reason: result.reason,
    output: result.output,
    logs,
    createdAddress: success && isCreate ? target : undefined,
    coinbaseFee: fee,
  };
}
