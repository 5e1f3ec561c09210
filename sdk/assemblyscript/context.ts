/** The call's context: msg, block, tx and this contract, through the host. */
import { U256 } from './u256';
import { Address } from './address';
import * as hooks from './vm_hooks';

/** A 32-byte scratch buffer the host fills. */
function scratch(): Uint8Array {
  return new Uint8Array(32);
}

export namespace msg {
  /** msg.sender: the caller. */
  export function sender(): Address {
    const buf = scratch();
    hooks.msg_sender(buf.dataStart);
    return Address.load(buf.dataStart);
  }

  /** msg.value: the wei sent with the call. */
  export function value(): U256 {
    const buf = scratch();
    hooks.msg_value(buf.dataStart);
    return U256.load(buf.dataStart);
  }

  /** True when this program already has a frame open below this one (a reentrant call). */
  export function reentrant(): bool {
    return hooks.msg_reentrant() != 0;
  }
}

export namespace block {
  export function number(): u64 {
    return hooks.block_number();
  }

  export function timestamp(): u64 {
    return hooks.block_timestamp();
  }

  export function gasLimit(): u64 {
    return hooks.block_gas_limit();
  }

  export function basefee(): U256 {
    const buf = scratch();
    hooks.block_basefee(buf.dataStart);
    return U256.load(buf.dataStart);
  }

  export function coinbase(): Address {
    const buf = scratch();
    hooks.block_coinbase(buf.dataStart);
    return Address.load(buf.dataStart);
  }

  export function chainId(): u64 {
    return hooks.chainid();
  }
}

export namespace tx {
  export function origin(): Address {
    const buf = scratch();
    hooks.tx_origin(buf.dataStart);
    return Address.load(buf.dataStart);
  }

  export function gasPrice(): U256 {
    const buf = scratch();
    hooks.tx_gas_price(buf.dataStart);
    return U256.load(buf.dataStart);
  }
}

export namespace contract {
  /** address(this): the acting address (the caller's under DELEGATECALL). */
  export function address(): Address {
    const buf = new Uint8Array(20);
    hooks.contract_address(buf.dataStart);
    return new Address(buf);
  }
}

/** The balance of an account in wei. */
export function accountBalance(account: Address): U256 {
  const buf = new Uint8Array(32);
  hooks.account_balance(account.dataStart, buf.dataStart);
  return U256.load(buf.dataStart);
}

/** The size of an account's code (0 for an account without code). */
export function codeSize(account: Address): usize {
  return hooks.account_code_size(account.dataStart);
}

/** The gas left, in EVM gas. */
export function gasLeft(): u64 {
  return hooks.evm_gas_left();
}
