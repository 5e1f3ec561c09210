/**
 * An ERC-20 token in AssemblyScript, with polyvm's SDK. It behaves as OpenZeppelin's ERC20 (v5)
 * does: the same functions, events, custom errors and storage layout (balances at slot 0,
 * allowances at slot 1, totalSupply at 2, name at 3, symbol at 4), so viem's erc20Abi and any
 * ERC-20 tooling use it unchanged.
 *
 * A program has no constructor, so the deployer sets it up with a second transaction:
 * `initialize(string name, string symbol, uint256 initialSupply)` makes the caller the owner (slot 5)
 * and mints the initial supply to them; it works once (then InvalidInitialization()). Deploy and
 * initialize from one script, as with an upgradeable OpenZeppelin token. The owner may `mint` more.
 *
 * Build: npx polyvm wasm build examples/wasm/erc20-as/token.ts
 */
import {
  AbiReader,
  AbiWriter,
  Address,
  Event,
  Slot,
  U256,
  dispatch,
  encodeAddress,
  encodeBool,
  encodeString,
  encodeU256,
  msg,
  nonPayable,
  noOutput,
  revertError,
  unknownSelector,
} from 'polyvm/sdk/assemblyscript';

// Storage slots, as OpenZeppelin's ERC20 lays them out; the owner after them.
const BALANCES = 0;
const ALLOWANCES = 1;
const TOTAL_SUPPLY = 2;
const NAME = 3;
const SYMBOL = 4;
const OWNER = 5;

function balanceSlot(account: Address): Slot {
  return Slot.at(BALANCES).mapAddress(account);
}

function allowanceSlot(owner: Address, spender: Address): Slot {
  return Slot.at(ALLOWANCES).mapAddress(owner).mapAddress(spender);
}

/** OpenZeppelin's _update: moves `value` from `from` to `to`; the zero address mints or burns. */
function update(from: Address, to: Address, value: U256): void {
  if (from.isZero()) {
    const supply = Slot.at(TOTAL_SUPPLY);
    supply.set(supply.get().add(value)); // Panic(0x11) past 2^256 - 1, as Solidity's checked add
  } else {
    const slot = balanceSlot(from);
    const balance = slot.get();
    if (balance.lt(value)) {
      revertError('ERC20InsufficientBalance(address,uint256,uint256)', new AbiWriter().address(from).u256(balance).u256(value));
    }
    slot.set(balance.sub(value));
  }
  if (to.isZero()) {
    const supply = Slot.at(TOTAL_SUPPLY);
    supply.set(supply.get().sub(value));
  } else {
    const slot = balanceSlot(to);
    slot.set(slot.get().add(value));
  }
  new Event('Transfer(address,address,uint256)').address(from).address(to).data(new AbiWriter().u256(value)).emit();
}

function transfer(from: Address, to: Address, value: U256): void {
  if (from.isZero()) revertError('ERC20InvalidSender(address)', new AbiWriter().address(from));
  if (to.isZero()) revertError('ERC20InvalidReceiver(address)', new AbiWriter().address(to));
  update(from, to, value);
}

function approve(owner: Address, spender: Address, value: U256, emitEvent: bool): void {
  if (owner.isZero()) revertError('ERC20InvalidApprover(address)', new AbiWriter().address(owner));
  if (spender.isZero()) revertError('ERC20InvalidSpender(address)', new AbiWriter().address(spender));
  allowanceSlot(owner, spender).set(value);
  if (emitEvent) {
    new Event('Approval(address,address,uint256)').address(owner).address(spender).data(new AbiWriter().u256(value)).emit();
  }
}

/** OpenZeppelin's _spendAllowance: an allowance of 2^256 - 1 is infinite and never decreases. */
function spendAllowance(owner: Address, spender: Address, value: U256): void {
  const current = allowanceSlot(owner, spender).get();
  if (current.eq(U256.max())) return;
  if (current.lt(value)) {
    revertError('ERC20InsufficientAllowance(address,uint256,uint256)', new AbiWriter().address(spender).u256(current).u256(value));
  }
  approve(owner, spender, current.sub(value), false);
}

function mint(to: Address, value: U256): void {
  if (to.isZero()) revertError('ERC20InvalidReceiver(address)', new AbiWriter().address(to));
  update(Address.zero(), to, value);
}

function initialize(name: string, symbol: string, initialSupply: U256): Uint8Array {
  const owner = Slot.at(OWNER);
  if (!owner.getAddress().isZero()) revertError('InvalidInitialization()');
  const sender = msg.sender();
  owner.setAddress(sender);
  Slot.at(NAME).setString(name);
  Slot.at(SYMBOL).setString(symbol);
  if (!initialSupply.isZero()) mint(sender, initialSupply);
  return noOutput();
}

function onlyOwner(): void {
  const sender = msg.sender();
  if (!Slot.at(OWNER).getAddress().eq(sender)) revertError('OwnableUnauthorizedAccount(address)', new AbiWriter().address(sender));
}

export function user_entrypoint(len: i32): i32 {
  return dispatch(len, (selector: u32, args: AbiReader): Uint8Array => {
    nonPayable();
    // name(), symbol(), decimals(), totalSupply(), owner()
    if (selector == 0x06fdde03) return encodeString(Slot.at(NAME).getString());
    if (selector == 0x95d89b41) return encodeString(Slot.at(SYMBOL).getString());
    if (selector == 0x313ce567) return encodeU256(U256.fromU64(18));
    if (selector == 0x18160ddd) return encodeU256(Slot.at(TOTAL_SUPPLY).get());
    if (selector == 0x8da5cb5b) return encodeAddress(Slot.at(OWNER).getAddress());
    // balanceOf(address)
    if (selector == 0x70a08231) return encodeU256(balanceSlot(args.address()).get());
    // allowance(address owner, address spender)
    if (selector == 0xdd62ed3e) {
      const owner = args.address();
      return encodeU256(allowanceSlot(owner, args.address()).get());
    }
    // transfer(address to, uint256 value)
    if (selector == 0xa9059cbb) {
      const to = args.address();
      transfer(msg.sender(), to, args.u256());
      return encodeBool(true);
    }
    // approve(address spender, uint256 value)
    if (selector == 0x095ea7b3) {
      const spender = args.address();
      approve(msg.sender(), spender, args.u256(), true);
      return encodeBool(true);
    }
    // transferFrom(address from, address to, uint256 value)
    if (selector == 0x23b872dd) {
      const from = args.address();
      const to = args.address();
      const value = args.u256();
      spendAllowance(from, msg.sender(), value);
      transfer(from, to, value);
      return encodeBool(true);
    }
    // initialize(string name, string symbol, uint256 initialSupply)
    if (selector == 0xb119490e) {
      const name = args.string();
      const symbol = args.string();
      return initialize(name, symbol, args.u256());
    }
    // mint(address to, uint256 value), owner only
    if (selector == 0x40c10f19) {
      onlyOwner();
      const to = args.address();
      mint(to, args.u256());
      return noOutput();
    }
    return unknownSelector();
  });
}
