/**
 * anvil_dealERC20 and anvil_setERC20Allowance: set a token balance or allowance without knowing
 * the token's storage layout. The getter (balanceOf or allowance) is run once with its storage
 * reads recorded (the access list eth_createAccessList builds); each slot it read is then tried
 * with the wanted value as an override, and the slot that makes the getter return that value is
 * written. A token that keeps the value elsewhere (packed, computed, or behind another contract's
 * getter) gets a clear error.
 */
import type { Address } from '../../primitives/address.js';
import { addressToBytes } from '../../primitives/address.js';
import { bytesToBigint, concatBytes, hexToBytes } from '../../primitives/bytes.js';
import { RpcError, SERVER_ERROR } from './errors.js';
import type { Method, MethodTable, RpcContext } from './context.js';
import { call, createAccessList, type SimulationInput } from './simulate.js';
import * as p from './params.js';

const BALANCE_OF = hexToBytes('0x70a08231');
const ALLOWANCE = hexToBytes('0xdd62ed3e');

function wordOf(address: Address): Uint8Array {
  return concatBytes(new Uint8Array(12), addressToBytes(address));
}

function input(ctx: RpcContext, token: Address, data: Uint8Array, diff?: Map<bigint, bigint>): SimulationInput {
  const chain = ctx.chain;
  return {
    request: { to: token, data },
    state: chain.state,
    context: chain.blockContext(chain.latest(), true),
    stateOverrides: diff && new Map([[token, { stateDiff: diff }]]),
    gasCap: ctx.limits.callGasCap,
  };
}

function read(ctx: RpcContext, token: Address, data: Uint8Array, diff?: Map<bigint, bigint>): bigint | undefined {
  try {
    const out = call(ctx.chain, input(ctx, token, data, diff));
    return out.length >= 32 ? bytesToBigint(out.subarray(0, 32)) : undefined;
  } catch {
    return undefined;
  }
}

/** Finds the slot of `token` that holds what the getter `data` returns, and sets it to `value`. */
function setThroughGetter(ctx: RpcContext, method: string, token: Address, data: Uint8Array, value: bigint): void {
  if (ctx.chain.state.getCode(token).length === 0) throw new RpcError(SERVER_ERROR, `${method}: ${token} has no code (not a token)`);
  if (read(ctx, token, data) === undefined)
    throw new RpcError(SERVER_ERROR, `${method}: the getter of ${token} failed or returned no word (not an ERC-20 token?)`);
  const { accessList } = createAccessList(ctx.chain, input(ctx, token, data));
  const slots = accessList.find((entry) => entry.address === token)?.storageKeys ?? [];
  // A probe value unlikely to be there by chance, then the wanted value itself.
  const probe = value === 0x1234567890abcdefn ? 0x0fedcba987654321n : 0x1234567890abcdefn;
  for (const slot of slots) {
    if (read(ctx, token, data, new Map([[slot, probe]])) !== probe) continue;
    if (read(ctx, token, data, new Map([[slot, value]])) !== value) continue;
    ctx.chain.changeState((state) => state.setStorage(token, slot, value));
    return;
  }
  throw new RpcError(
    SERVER_ERROR,
    `${method}: found no storage slot of ${token} that holds the value (it read ${slots.length} slot(s)); set it with anvil_setStorageAt`,
  );
}

const dealErc20: Method = (ctx, params) => {
  const list = p.expectParams(params, 3, 3);
  const token = p.address(list[0], p.where(0, 'token'));
  const holder = p.address(list[1], p.where(1, 'holder'));
  const amount = p.quantity(list[2], p.where(2, 'amount'));
  setThroughGetter(ctx, 'anvil_dealERC20', token, concatBytes(BALANCE_OF, wordOf(holder)), amount);
  return null;
};

const setAllowance: Method = (ctx, params) => {
  const list = p.expectParams(params, 4, 4);
  const token = p.address(list[0], p.where(0, 'token'));
  const owner = p.address(list[1], p.where(1, 'owner'));
  const spender = p.address(list[2], p.where(2, 'spender'));
  const amount = p.quantity(list[3], p.where(3, 'amount'));
  setThroughGetter(ctx, 'anvil_setERC20Allowance', token, concatBytes(ALLOWANCE, wordOf(owner), wordOf(spender)), amount);
  return null;
};

export const erc20Methods: MethodTable = {
  anvil_dealERC20: dealErc20,
  hardhat_dealERC20: dealErc20,
  anvil_setERC20Balance: dealErc20,
  anvil_setERC20Allowance: setAllowance,
};
