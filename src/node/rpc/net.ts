/** The net_ namespace. */
import type { Method, MethodTable } from './context.js';
import * as p from './params.js';

const version: Method = (ctx, params) => (p.expectParams(params, 0, 0), ctx.chain.chainId.toString());

export const netMethods: MethodTable = {
  net_version: version,
  // Anvil's name for the same.
  eth_networkId: version,
  net_listening: (_ctx, params) => (p.expectParams(params, 0, 0), true),
  net_peerCount: (_ctx, params) => (p.expectParams(params, 0, 0), '0x0'),
};
