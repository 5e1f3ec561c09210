/**
 * Calls to other contracts (EVM contracts or programs) and creates. Before each call the storage
 * cache is flushed, as stylus-sdk does, so the callee (which may call back) sees this contract's
 * writes; a call that can change state also clears the cache, so later reads see its changes.
 */
import { U256 } from './u256';
import { Address } from './address';
import { AbiReader } from './abi';
import { flushStorage } from './storage';
import { revertWithData } from './revert';
import * as hooks from './vm_hooks';

/** The outcome of a call: success, and the return data (or the revert data). */
export class CallResult {
  constructor(
    public readonly success: bool,
    public readonly data: Uint8Array,
  ) {}

  /** The return data to decode. */
  reader(): AbiReader {
    return new AbiReader(this.data);
  }

  /** The return data; if the call failed, reverts with the callee's revert data (bubbling it up). */
  unwrap(): Uint8Array {
    if (!this.success) revertWithData(this.data);
    return this.data;
  }
}

/** All the gas the 63/64 rule allows. */
export const ALL_GAS: u64 = u64.MAX_VALUE;

function returnData(length: usize): Uint8Array {
  const out = new Uint8Array(<i32>length);
  if (length > 0) hooks.read_return_data(out.dataStart, 0, length);
  return out;
}

/** CALL `to` with `data` (see AbiWriter.encodeWithSelector) and `value` wei. */
export function call(to: Address, data: Uint8Array, value: U256 = U256.zero(), gas: u64 = ALL_GAS): CallResult {
  flushStorage(true);
  const scratch = new Uint8Array(36);
  value.store(scratch.dataStart);
  const status = hooks.call_contract(to.dataStart, data.dataStart, <usize>data.length, scratch.dataStart, gas, scratch.dataStart + 32);
  return new CallResult(status == 0, returnData(load<u32>(scratch.dataStart + 32)));
}

/** STATICCALL: the callee cannot change state. */
export function staticCall(to: Address, data: Uint8Array, gas: u64 = ALL_GAS): CallResult {
  flushStorage(false);
  const scratch = new Uint8Array(4);
  const status = hooks.static_call_contract(to.dataStart, data.dataStart, <usize>data.length, gas, scratch.dataStart);
  return new CallResult(status == 0, returnData(load<u32>(scratch.dataStart)));
}

/** DELEGATECALL: `to`'s code on this contract's storage, sender and value. */
export function delegateCall(to: Address, data: Uint8Array, gas: u64 = ALL_GAS): CallResult {
  flushStorage(true);
  const scratch = new Uint8Array(4);
  const status = hooks.delegate_call_contract(to.dataStart, data.dataStart, <usize>data.length, gas, scratch.dataStart);
  return new CallResult(status == 0, returnData(load<u32>(scratch.dataStart)));
}

/** The outcome of a create: the new address (null on failure) and the revert data of a failed one. */
export class CreateResult {
  constructor(
    public readonly address: Address | null,
    public readonly data: Uint8Array,
  ) {}
}

/** CREATE with init code `code`, sending `endowment` wei. */
export function create(code: Uint8Array, endowment: U256 = U256.zero()): CreateResult {
  return createWith(code, endowment, null);
}

/** CREATE2 with a 32-byte salt. */
export function create2(code: Uint8Array, salt: U256, endowment: U256 = U256.zero()): CreateResult {
  return createWith(code, endowment, salt);
}

function createWith(code: Uint8Array, endowment: U256, salt: U256 | null): CreateResult {
  flushStorage(true);
  const scratch = new Uint8Array(88);
  const value = scratch.dataStart;
  const saltPtr = value + 32;
  const addr = value + 64;
  const retLen = value + 84;
  endowment.store(value);
  if (salt === null) hooks.create1(code.dataStart, <usize>code.length, value, addr, retLen);
  else {
    salt.store(saltPtr);
    hooks.create2(code.dataStart, <usize>code.length, value, saltPtr, addr, retLen);
  }
  const created = Address.load(addr);
  const data = returnData(load<u32>(retLen));
  return new CreateResult(created.isZero() ? null : created, data);
}
