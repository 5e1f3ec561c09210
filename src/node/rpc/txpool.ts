/** The txpool_ namespace: what waits in the pool, pending (executable) and queued (behind a nonce gap). */
import { bigintToHex as q } from '../../primitives/bytes.js';
import type { PooledTransaction } from '../tx-pool.js';
import type { MethodTable } from './context.js';
import { formatTransaction, type Json } from './format.js';
import * as p from './params.js';

function bySender(list: PooledTransaction[], show: (t: PooledTransaction) => Json): Record<string, Record<string, Json>> {
  const out: Record<string, Record<string, Json>> = {};
  for (const t of list) (out[t.sender] ??= {})[t.tx.nonce.toString()] = show(t);
  return out;
}

function summary(t: PooledTransaction): string {
  const tx = t.tx;
  const price = tx.maxFeePerGas ?? tx.gasPrice ?? 0n;
  return `${tx.to ?? 'contract creation'}: ${tx.value} wei + ${tx.gasLimit} gas × ${price} wei`;
}

export const txpoolMethods: MethodTable = {
  txpool_status: (ctx, params) => {
    p.expectParams(params, 0, 0);
    const { pending, queued } = ctx.chain.pool.content(ctx.chain.nonceOf);
    return { pending: q(BigInt(pending.length)), queued: q(BigInt(queued.length)) };
  },
  txpool_content: (ctx, params) => {
    p.expectParams(params, 0, 0);
    const { pending, queued } = ctx.chain.pool.content(ctx.chain.nonceOf);
    const show = (t: PooledTransaction) => formatTransaction(t, undefined);
    return { pending: bySender(pending, show), queued: bySender(queued, show) };
  },
  txpool_contentFrom: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    const sender = p.address(list[0], p.where(0, 'address'));
    const { pending, queued } = ctx.chain.pool.content(ctx.chain.nonceOf);
    const show = (t: PooledTransaction) => formatTransaction(t, undefined);
    const mine = (l: PooledTransaction[]) =>
      bySender(
        l.filter((t) => t.sender === sender),
        show,
      )[sender] ?? {};
    return { pending: mine(pending), queued: mine(queued) };
  },
  txpool_inspect: (ctx, params) => {
    p.expectParams(params, 0, 0);
    const { pending, queued } = ctx.chain.pool.content(ctx.chain.nonceOf);
    return { pending: bySender(pending, summary), queued: bySender(queued, summary) };
  },
};
