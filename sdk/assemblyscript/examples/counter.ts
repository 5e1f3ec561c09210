/**
 * The SDK's smallest example: a counter anyone can increment, with an event and a revert.
 *
 *   function count() view returns (uint256)              0x06661abd
 *   function increment(uint256 by) returns (uint256)     0x7cf5dab0
 *   event Incremented(address indexed by, uint256 count)
 *   error TooMuch(uint256 by)                            (by > 1000)
 */
import {
  AbiReader,
  AbiWriter,
  Event,
  Slot,
  U256,
  dispatch,
  encodeU256,
  msg,
  revertError,
  unknownSelector,
} from 'polyvm/sdk/assemblyscript';

const COUNT = 0; // storage slot 0, as `uint256 count;` in Solidity

function increment(by: U256): Uint8Array {
  if (by.gt(U256.fromU64(1000))) revertError('TooMuch(uint256)', new AbiWriter().u256(by));
  const slot = Slot.at(COUNT);
  const count = slot.get().add(by);
  slot.set(count);
  new Event('Incremented(address,uint256)').address(msg.sender()).data(new AbiWriter().u256(count)).emit();
  return encodeU256(count);
}

export function user_entrypoint(len: i32): i32 {
  return dispatch(len, (selector: u32, args: AbiReader): Uint8Array => {
    if (selector == 0x06661abd) return encodeU256(Slot.at(COUNT).get());
    if (selector == 0x7cf5dab0) return increment(args.u256());
    return unknownSelector();
  });
}
