/**
 * How the chain's refusals read to a client: geth's wording where geth has one (clients match on
 * "nonce too low", "insufficient funds", ...), with the numbers that explain it.
 */
import type { InvalidTransactionError } from '../../tx/types.js';
import {
  ChainError,
  ChainIdFixedError,
  ChainRewrittenError,
  EmptyChainError,
  PoolRejectedError,
  StateUnavailableError,
  TimestampNotAfterParentError,
  type PoolRejection,
} from '../errors.js';
import { RpcError, SERVER_ERROR } from './errors.js';

/** A client-facing message for a transaction the protocol rejected. */
export function transactionErrorMessage(error: InvalidTransactionError): string {
  const name = error.code.replace(/^TransactionException\./, '');
  const detail = error.message.includes(': ') ? error.message.slice(error.message.indexOf(': ') + 2) : error.message;
  const friendly: Record<string, string> = {
    NONCE_MISMATCH_TOO_LOW: 'nonce too low',
    NONCE_MISMATCH_TOO_HIGH: 'nonce too high',
    INSUFFICIENT_ACCOUNT_FUNDS: 'insufficient funds for gas * price + value',
    INTRINSIC_GAS_TOO_LOW: 'intrinsic gas too low',
    INTRINSIC_GAS_BELOW_FLOOR_GAS_COST: 'insufficient gas for floor data gas cost',
    INSUFFICIENT_MAX_FEE_PER_GAS: 'max fee per gas less than block base fee',
    GAS_ALLOWANCE_EXCEEDED: 'gas limit reached',
    INVALID_CHAINID: 'invalid chain id',
    SENDER_NOT_EOA: 'sender not an eoa',
    GAS_LIMIT_EXCEEDS_MAXIMUM: 'transaction gas limit too high',
    INITCODE_SIZE_EXCEEDED: 'max initcode size exceeded',
    TYPE_NOT_SUPPORTED: 'transaction type not supported',
    TYPE_4_TX_PRE_FORK: 'transaction type not supported',
  };
  const hint =
    name === 'GAS_LIMIT_EXCEEDS_MAXIMUM'
      ? " (Osaka's per-transaction cap, EIP-7825, kept as on mainnet; start polyvm node with --disable-tx-gas-limit-cap to lift it)"
      : '';
  return `${friendly[name] ?? name.toLowerCase().replace(/_/g, ' ')}: ${detail}${hint}`;
}

/** The rejection as an RPC error (a server error, as geth reports rejected transactions). */
export function transactionRejection(error: InvalidTransactionError): RpcError {
  return new RpcError(SERVER_ERROR, transactionErrorMessage(error));
}

function poolMessage(r: PoolRejection): string {
  switch (r.kind) {
    case 'exceeds block gas limit':
      return `exceeds block gas limit: transaction gas ${r.gas}, block gas limit ${r.limit}`;
    case 'nonce too low':
      return `nonce too low: next nonce ${r.next}, transaction nonce ${r.nonce}`;
    case 'insufficient funds':
      return `insufficient funds for gas * price + value: balance ${r.balance}, transaction cost ${r.cost}`;
    case 'fee below base fee':
      return `max fee per gas less than block base fee: max fee ${r.maxFee}, base fee ${r.baseFee}`;
    case 'already known':
      return `already known: transaction ${r.hashHex} is in the pool`;
    case 'gas price below minimum':
      return `transaction underpriced: gas price ${r.gasPrice} is below the minimum ${r.min} (anvil_setMinGasPrice)`;
    case 'replacement underpriced':
      return 'replacement transaction underpriced: raise both fees by at least 10%';
  }
}

function chainErrorMessage(error: ChainError): string {
  if (error instanceof PoolRejectedError) return poolMessage(error.rejection);
  if (error instanceof StateUnavailableError) {
    if (error.number > error.latest) return `block ${error.number} is not mined yet (latest is ${error.latest})`;
    return `state at block ${error.number} is not available: this node has the state of blocks ${error.floor} to ${error.latest} (the last ${error.keep} blocks at most, since the chain was loaded or reset)`;
  }
  if (error instanceof TimestampNotAfterParentError)
    return `timestamp ${error.timestamp} is not after the latest block's timestamp ${error.parent}`;
  if (error instanceof EmptyChainError) return 'a chain needs at least its genesis block';
  if (error instanceof ChainRewrittenError)
    return 'the chain was rewritten (evm_revert, anvil_rollback, anvil_reset or anvil_loadState) while the trace ran: trace again';
  if (error instanceof ChainIdFixedError)
    return `the chain id of a chain kept in a data directory stays ${error.chainId}: start a node without --data-dir to change it`;
  return error.message;
}

/** Every refusal of the chain's parts is a server error. */
export function chainErrorToRpc(error: ChainError): RpcError {
  return new RpcError(SERVER_ERROR, chainErrorMessage(error));
}
