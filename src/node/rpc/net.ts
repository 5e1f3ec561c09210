/** The net_ namespace. */
import type { MethodTable } from './context.js';
import * as p from './params.js';

export const netMethods: MethodTable = {
  net_version: (ctx, params) => (p.expectParams(params, 0, 0), ctx.chain.chainId.toString()),
  net_listening: (_ctx, params) => (p.expectParams(params, 0, 0), true),
  net_peerCount: (_ctx, params) => (p.expectParams(params, 0, 0), '0x0'),
};
