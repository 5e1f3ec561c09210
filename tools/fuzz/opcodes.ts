/**
 * The fuzzer's own opcode list, written from the Yellow Paper and the EIPs rather than taken from
 * polyvm's declarations, so that a mistake there cannot hide itself here. For each opcode: its
 * inputs as argument kinds (first = top of the stack), its outputs, and the fork it arrived in.
 *
 * Argument kinds steer the generated values: m memory offset, s size, a address, v value (wei),
 * g gas, k storage slot, w any word, j jump destination, b block number, i small index, e exponent.
 */
import { FORK_ORDER, type ForkName } from '../../dist/forks/index.js';

export interface OpInfo {
  code: number;
  name: string;
  args: string;
  outputs: number;
  since: ForkName;
}

const LIST: [number, string, string, number, ForkName][] = [
  [0x00, 'STOP', '', 0, 'Frontier'],
  [0x01, 'ADD', 'ww', 1, 'Frontier'],
  [0x02, 'MUL', 'ww', 1, 'Frontier'],
  [0x03, 'SUB', 'ww', 1, 'Frontier'],
  [0x04, 'DIV', 'ww', 1, 'Frontier'],
  [0x05, 'SDIV', 'ww', 1, 'Frontier'],
  [0x06, 'MOD', 'ww', 1, 'Frontier'],
  [0x07, 'SMOD', 'ww', 1, 'Frontier'],
  [0x08, 'ADDMOD', 'www', 1, 'Frontier'],
  [0x09, 'MULMOD', 'www', 1, 'Frontier'],
  [0x0a, 'EXP', 'we', 1, 'Frontier'],
  [0x0b, 'SIGNEXTEND', 'iw', 1, 'Frontier'],
  [0x10, 'LT', 'ww', 1, 'Frontier'],
  [0x11, 'GT', 'ww', 1, 'Frontier'],
  [0x12, 'SLT', 'ww', 1, 'Frontier'],
  [0x13, 'SGT', 'ww', 1, 'Frontier'],
  [0x14, 'EQ', 'ww', 1, 'Frontier'],
  [0x15, 'ISZERO', 'w', 1, 'Frontier'],
  [0x16, 'AND', 'ww', 1, 'Frontier'],
  [0x17, 'OR', 'ww', 1, 'Frontier'],
  [0x18, 'XOR', 'ww', 1, 'Frontier'],
  [0x19, 'NOT', 'w', 1, 'Frontier'],
  [0x1a, 'BYTE', 'iw', 1, 'Frontier'],
  [0x1b, 'SHL', 'iw', 1, 'Constantinople'],
  [0x1c, 'SHR', 'iw', 1, 'Constantinople'],
  [0x1d, 'SAR', 'iw', 1, 'Constantinople'],
  [0x1e, 'CLZ', 'w', 1, 'Osaka'],
  [0x20, 'KECCAK256', 'ms', 1, 'Frontier'],
  [0x30, 'ADDRESS', '', 1, 'Frontier'],
  [0x31, 'BALANCE', 'a', 1, 'Frontier'],
  [0x32, 'ORIGIN', '', 1, 'Frontier'],
  [0x33, 'CALLER', '', 1, 'Frontier'],
  [0x34, 'CALLVALUE', '', 1, 'Frontier'],
  [0x35, 'CALLDATALOAD', 'm', 1, 'Frontier'],
  [0x36, 'CALLDATASIZE', '', 1, 'Frontier'],
  [0x37, 'CALLDATACOPY', 'mms', 0, 'Frontier'],
  [0x38, 'CODESIZE', '', 1, 'Frontier'],
  [0x39, 'CODECOPY', 'mms', 0, 'Frontier'],
  [0x3a, 'GASPRICE', '', 1, 'Frontier'],
  [0x3b, 'EXTCODESIZE', 'a', 1, 'Frontier'],
  [0x3c, 'EXTCODECOPY', 'amms', 0, 'Frontier'],
  [0x3d, 'RETURNDATASIZE', '', 1, 'Byzantium'],
  [0x3e, 'RETURNDATACOPY', 'mms', 0, 'Byzantium'],
  [0x3f, 'EXTCODEHASH', 'a', 1, 'Constantinople'],
  [0x40, 'BLOCKHASH', 'b', 1, 'Frontier'],
  [0x41, 'COINBASE', '', 1, 'Frontier'],
  [0x42, 'TIMESTAMP', '', 1, 'Frontier'],
  [0x43, 'NUMBER', '', 1, 'Frontier'],
  [0x44, 'PREVRANDAO', '', 1, 'Frontier'],
  [0x45, 'GASLIMIT', '', 1, 'Frontier'],
  [0x46, 'CHAINID', '', 1, 'Istanbul'],
  [0x47, 'SELFBALANCE', '', 1, 'Istanbul'],
  [0x48, 'BASEFEE', '', 1, 'London'],
  [0x49, 'BLOBHASH', 'i', 1, 'Cancun'],
  [0x4a, 'BLOBBASEFEE', '', 1, 'Cancun'],
  [0x50, 'POP', 'w', 0, 'Frontier'],
  [0x51, 'MLOAD', 'm', 1, 'Frontier'],
  [0x52, 'MSTORE', 'mw', 0, 'Frontier'],
  [0x53, 'MSTORE8', 'mw', 0, 'Frontier'],
  [0x54, 'SLOAD', 'k', 1, 'Frontier'],
  [0x55, 'SSTORE', 'kw', 0, 'Frontier'],
  [0x56, 'JUMP', 'j', 0, 'Frontier'],
  [0x57, 'JUMPI', 'jw', 0, 'Frontier'],
  [0x58, 'PC', '', 1, 'Frontier'],
  [0x59, 'MSIZE', '', 1, 'Frontier'],
  [0x5a, 'GAS', '', 1, 'Frontier'],
  [0x5b, 'JUMPDEST', '', 0, 'Frontier'],
  [0x5c, 'TLOAD', 'k', 1, 'Cancun'],
  [0x5d, 'TSTORE', 'kw', 0, 'Cancun'],
  [0x5e, 'MCOPY', 'mms', 0, 'Cancun'],
  [0x5f, 'PUSH0', '', 1, 'Shanghai'],
  [0xa0, 'LOG0', 'ms', 0, 'Frontier'],
  [0xa1, 'LOG1', 'msw', 0, 'Frontier'],
  [0xa2, 'LOG2', 'msww', 0, 'Frontier'],
  [0xa3, 'LOG3', 'mswww', 0, 'Frontier'],
  [0xa4, 'LOG4', 'mswwww', 0, 'Frontier'],
  [0xf0, 'CREATE', 'vms', 1, 'Frontier'],
  [0xf1, 'CALL', 'gavmsms', 1, 'Frontier'],
  [0xf2, 'CALLCODE', 'gavmsms', 1, 'Frontier'],
  [0xf3, 'RETURN', 'ms', 0, 'Frontier'],
  [0xf4, 'DELEGATECALL', 'gamsms', 1, 'Homestead'],
  [0xf5, 'CREATE2', 'vmsw', 1, 'Constantinople'],
  [0xfa, 'STATICCALL', 'gamsms', 1, 'Byzantium'],
  [0xfd, 'REVERT', 'ms', 0, 'Byzantium'],
  [0xfe, 'INVALID', '', 0, 'Frontier'],
  [0xff, 'SELFDESTRUCT', 'a', 0, 'Frontier'],
];

for (let n = 1; n <= 32; n++) LIST.push([0x5f + n, `PUSH${n}`, '', 1, 'Frontier']);
for (let n = 1; n <= 16; n++) LIST.push([0x7f + n, `DUP${n}`, 'w'.repeat(n), n + 1, 'Frontier']);
for (let n = 1; n <= 16; n++) LIST.push([0x8f + n, `SWAP${n}`, 'w'.repeat(n + 1), n + 1, 'Frontier']);

export const OPS: readonly OpInfo[] = LIST.map(([code, name, args, outputs, since]) => ({ code, name, args, outputs, since }));

const BY_CODE = new Map(OPS.map((op) => [op.code, op]));

export function opInfo(code: number): OpInfo | undefined {
  return BY_CODE.get(code);
}

export function op(name: string): number {
  const found = OPS.find((o) => o.name === name);
  if (!found) throw new Error(`no opcode ${name}`);
  return found.code;
}

/** The opcodes a fork has. */
export function opsOf(fork: ForkName): OpInfo[] {
  const index = FORK_ORDER.indexOf(fork);
  return OPS.filter((o) => FORK_ORDER.indexOf(o.since) <= index);
}

/** Opcode bytes by name, for writing programs readably. */
export const O = Object.fromEntries(OPS.map((o) => [o.name, o.code])) as Record<string, number>;
