/**
 * For the tracing tests: two dev accounts and small contracts of known shape, each at a fixed
 * address (placed with anvil_setCode), whose traces the tests derive by hand.
 */

/** The first two dev accounts of the test mnemonic. */
export const A0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
export const A1 = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';

export const INNER = '0x00000000000000000000000000000000000000b1';
export const OUTER = '0x00000000000000000000000000000000000000a1';
export const COUNTER = '0x00000000000000000000000000000000000000c1';
export const LOOP = '0x00000000000000000000000000000000000000d1';
export const REVERTER = '0x00000000000000000000000000000000000000e1';

/** INNER: mstore(0, 42); return(0, 32) */
export const INNER_CODE = '0x602a60005260206000f3';
/** OUTER: call(0xffff, INNER, 0, 0, 0, 0, 32); pop; return(0, 32) */
export const OUTER_CODE = '0x60206000600060006000' + '73' + INNER.slice(2) + '61ffff' + 'f1' + '50' + '60206000f3';
/** COUNTER: sstore(0, sload(0) + 1) */
export const COUNTER_CODE = '0x600054600101600055';
/** LOOP: jumpdest; jump(0), until the gas runs out */
export const LOOP_CODE = '0x5b600056';
/** REVERTER: mstore8(0, 0xee); revert(0, 1) */
export const REVERTER_CODE = '0x60ee60005360016000fd';
/** What INNER and OUTER return: the word 42. */
export const WORD_42 = '0x' + '2a'.padStart(64, '0');
