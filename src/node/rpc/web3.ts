/** The web3_ namespace. */
import { bytesToHex } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/hash.js';
import type { MethodTable } from './context.js';
import * as p from './params.js';

export const web3Methods: MethodTable = {
  web3_clientVersion: (ctx, params) => (p.expectParams(params, 0, 0), ctx.clientVersion),
  web3_sha3: (ctx, params) => {
    const list = p.expectParams(params, 1, 1);
    return bytesToHex(keccak256(p.data(list[0], p.where(0, 'data'), ctx.limits.maxBodyBytes)));
  },
};
