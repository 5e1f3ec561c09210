/**
 * Stylus's ink prices for WebAssembly operators (price table v1, used by Stylus versions 1 and 2),
 * after OffchainLabs/nitro crates/prover/src/programs/meter.rs `pricing_v1` and config.rs.
 * Floats and every operator without a price cost u64::MAX, so a basic block holding one can
 * never be paid for: such programs activate but trap with "out of ink" when the block is reached.
 */
import { type FuncType, Op, OPCODE_SLOTS, opcodeSlot } from './binary.js';

/** The largest u64: "never affordable". */
export const U64_MAX = (1n << 64n) - 1n;

/** Ink charged once per basic block for the check itself (`ink_header_cost`). */
export const INK_HEADER_COST = 2450n;

/** Ink per byte of `memory.copy` and `memory.fill`, charged before they run (800 / 8). */
export const MEMORY_BYTE_INK = 100n;

const FIXED_PRICES: ReadonlyMap<number, number> = new Map([
  ...priced(1, [0x00, 0x0f, 0x01, 0x41, 0x42, 0x02, 0x03, 0x05, 0x0b]), // unreachable return nop consts block loop else end
  ...priced(9, [0x1a]), // drop
  ...priced(765, [0x0c, 0x0d, 0x04]), // br br_if if
  ...priced(1250, [0x1b]), // select
  ...priced(3800, [0x10]), // call
  ...priced(75, [0x20, 0x22]), // local.get local.tee
  ...priced(210, [0x21]), // local.set
  ...priced(225, [0x23]), // global.get
  ...priced(575, [0x24]), // global.set
  ...priced(670, [0x28, 0x2c, 0x2d, 0x2e, 0x2f]), // i32 loads
  ...priced(680, [0x29, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35]), // i64 loads
  ...priced(825, [0x36, 0x3a, 0x3b]), // i32 stores
  ...priced(950, [0x37, 0x3c, 0x3d, 0x3e]), // i64 stores
  ...priced(3000, [0x3f]), // memory.size
  ...priced(8050, [0x40]), // memory.grow (the pages themselves are paid through pay_for_memory_grow)
  ...priced(170, range(0x45, 0x4f)), // i32.eqz and comparisons
  ...priced(225, range(0x50, 0x5a)), // i64.eqz and comparisons
  ...priced(210, [0x67, 0x68]), // i32.clz ctz
  ...priced(2650, [0x69]), // i32.popcnt
  ...priced(70, [0x6a, 0x6b, ...range(0x71, 0x78)]), // i32 add sub, bitwise, shifts, rotates
  ...priced(160, [0x6c]), // i32.mul
  ...priced(1120, range(0x6d, 0x70)), // i32 div rem
  ...priced(210, [0x79, 0x7a]), // i64.clz ctz
  ...priced(6000, [0x7b]), // i64.popcnt
  ...priced(100, [0x7c, 0x7d, ...range(0x83, 0x8a)]), // i64 add sub, bitwise, shifts, rotates
  ...priced(160, [0x7e]), // i64.mul
  ...priced(1270, range(0x7f, 0x82)), // i64 div rem
  ...priced(100, [0xa7, 0xac, 0xad, ...range(0xc0, 0xc4)]), // wrap, extend, sign extension
  ...priced(950, [Op.memoryCopy, Op.memoryFill]),
]);

function priced(ink: number, codes: number[]): [number, number][] {
  return codes.map((code) => [code, ink]);
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Per opcode slot (binary.ts `opcodeSlot`): the fixed price, or -1 for none (u64::MAX). */
const PRICE_BY_SLOT = new Float64Array(OPCODE_SLOTS).fill(-1);
for (const [code, ink] of FIXED_PRICES) PRICE_BY_SLOT[opcodeSlot(code)] = ink;

/**
 * The ink price of one operator as a number, or -1 for u64::MAX; `index` is its index immediate
 * (`br_table`'s label count, `call_indirect`'s type). Every price fits a double exactly.
 */
export function inkPrice(code: number, index: number, types: readonly FuncType[]): number {
  if (code === Op.brTable) return 2400 + 325 * index;
  if (code === Op.callIndirect) {
    const params = types[index]?.params.length;
    return params === undefined ? -1 : 13610 + 650 * params;
  }
  return PRICE_BY_SLOT[opcodeSlot(code)]!;
}

/** Per opcode slot: 1 for the operators after which a new basic block starts (nitro arbutil operator.rs `ends_basic_block`). */
export const ENDS_BASIC_BLOCK = new Uint8Array(OPCODE_SLOTS);
for (const code of [Op.end, Op.else, Op.return, Op.loop, Op.br, Op.brIf, Op.brTable, Op.if, Op.call, Op.callIndirect]) {
  ENDS_BASIC_BLOCK[opcodeSlot(code)] = 1;
}
