import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmptyChainError, PoolRejectedError, StateUnavailableError, TimestampNotAfterParentError } from '../errors.js';
import { toRpcError } from './dispatch.js';
import { SERVER_ERROR } from './errors.js';

test("the chain parts' refusals read as geth words them, as server errors", () => {
  const cases: [Error, string][] = [
    [
      new PoolRejectedError({ kind: 'exceeds block gas limit', gas: 31n, limit: 30n }),
      'exceeds block gas limit: transaction gas 31, block gas limit 30',
    ],
    [new PoolRejectedError({ kind: 'nonce too low', next: 5n, nonce: 3n }), 'nonce too low: next nonce 5, transaction nonce 3'],
    [
      new PoolRejectedError({ kind: 'insufficient funds', balance: 1n, cost: 2n }),
      'insufficient funds for gas * price + value: balance 1, transaction cost 2',
    ],
    [
      new PoolRejectedError({ kind: 'fee below base fee', maxFee: 1n, baseFee: 7n }),
      'max fee per gas less than block base fee: max fee 1, base fee 7',
    ],
    [new PoolRejectedError({ kind: 'already known', hashHex: '0xab' }), 'already known: transaction 0xab is in the pool'],
    [new PoolRejectedError({ kind: 'replacement underpriced' }), 'replacement transaction underpriced: raise both fees by at least 10%'],
    [new StateUnavailableError(9n, 4n, 0, 20_000), 'block 9 is not mined yet (latest is 4)'],
    [
      new StateUnavailableError(1n, 30n, 21, 10),
      'state at block 1 is not available: this node has the state of blocks 21 to 30 (the last 10 blocks at most, since the chain was loaded or reset)',
    ],
    [new TimestampNotAfterParentError(5n, 6n), "timestamp 5 is not after the latest block's timestamp 6"],
    [new EmptyChainError(), 'a chain needs at least its genesis block'],
  ];
  for (const [error, message] of cases) {
    const rpc = toRpcError(error);
    assert.equal(rpc.code, SERVER_ERROR);
    assert.equal(rpc.message, message);
  }
});
