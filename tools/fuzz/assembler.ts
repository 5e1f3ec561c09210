/** A bytecode builder with forward labels, for generators that write programs op by op. */
import { IMMEDIATE_SIZE } from '../../dist/evm/opcodes/index.js';
import { O } from './opcodes.js';

export class Assembler {
  private readonly out: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { at: number; label: string; width: number }[] = [];
  private next = 0;

  get length(): number {
    return this.out.length;
  }

  /** A fresh label name. */
  newLabel(prefix = 'L'): string {
    return `${prefix}${this.next++}`;
  }

  op(...codes: number[]): this {
    for (const code of codes) this.out.push(code & 0xff);
    return this;
  }

  raw(bytes: Uint8Array | readonly number[]): this {
    for (const b of bytes) this.out.push(b & 0xff);
    return this;
  }

  /** Pushes a word with the shortest PUSH (PUSH1 0 for zero unless `push0` is allowed). */
  push(value: bigint | number, push0 = false): this {
    // Words wrap as the EVM's do: a generator's offset + delta may pass 2^256 or go below zero.
    let v = BigInt(value) & ((1n << 256n) - 1n);
    if (v === 0n && push0) return this.op(O.PUSH0!);
    const bytes: number[] = [];
    while (v > 0n) {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    }
    if (bytes.length === 0) bytes.push(0);
    return this.pushBytes(bytes);
  }

  /** PUSHn with exactly these bytes (1 to 32 of them). */
  pushBytes(bytes: readonly number[] | Uint8Array): this {
    const n = bytes.length;
    if (n < 1 || n > 32) throw new Error(`cannot push ${n} bytes`);
    this.out.push(0x5f + n);
    for (const b of bytes) this.out.push(b & 0xff);
    return this;
  }

  /** Pushes a word of exactly `width` bytes (leading zeros kept). */
  pushWidth(value: bigint, width: number): this {
    const bytes: number[] = [];
    let v = value;
    for (let i = 0; i < width; i++) {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    }
    return this.pushBytes(bytes);
  }

  /** Marks the current position with a label. */
  mark(label: string): this {
    this.labels.set(label, this.out.length);
    return this;
  }

  /** JUMPDEST at a label. */
  jumpdest(label: string): this {
    return this.mark(label).op(O.JUMPDEST!);
  }

  /** PUSH2 of a label's position, patched when the code is built. */
  pushLabel(label: string): this {
    this.out.push(0x61);
    this.fixups.push({ at: this.out.length, label, width: 2 });
    this.out.push(0, 0);
    return this;
  }

  position(label: string): number | undefined {
    return this.labels.get(label);
  }

  build(): Uint8Array {
    const code = Uint8Array.from(this.out);
    for (const { at, label, width } of this.fixups) {
      const pos = this.labels.get(label);
      if (pos === undefined) throw new Error(`label ${label} was never marked`);
      for (let i = 0; i < width; i++) code[at + i] = (pos >> (8 * (width - 1 - i))) & 0xff;
    }
    return code;
  }
}

/**
 * Splits code into instructions (opcode and its push data), for shrinking and printing. Instruction
 * boundaries are the engine's (its declarations' immediate sizes): generation keeps its own opcode
 * list, but cutting code differently from the EVM would only mislead.
 */
export function instructions(code: Uint8Array): { pc: number; length: number }[] {
  const result: { pc: number; length: number }[] = [];
  let pc = 0;
  while (pc < code.length) {
    const length = 1 + IMMEDIATE_SIZE[code[pc]!]!;
    result.push({ pc, length: Math.min(length, code.length - pc) });
    pc += length;
  }
  return result;
}
