/** A one-line-per-instruction listing of bytecode, for reproducers people read. */
import { bytesToHex } from '../../dist/primitives/bytes.js';
import { IMMEDIATE_SIZE } from '../../dist/evm/opcodes/index.js';
import { instructions } from './assembler.js';
import { opInfo } from './opcodes.js';

export function disassemble(code: Uint8Array, maxLines = 400): string[] {
  const lines: string[] = [];
  for (const { pc, length } of instructions(code)) {
    if (lines.length >= maxLines) {
      lines.push(`… (${code.length - pc} more bytes)`);
      break;
    }
    const op = code[pc]!;
    const name = opInfo(op)?.name ?? `0x${op.toString(16).padStart(2, '0')}`;
    const data = length > 1 ? ' ' + bytesToHex(code.subarray(pc + 1, pc + length)) : '';
    const truncated = length < 1 + IMMEDIATE_SIZE[op]! ? ' (cut off by the end of the code)' : '';
    lines.push(`${String(pc).padStart(5)}  ${name}${data}${truncated}`);
  }
  return lines;
}
