/**
 * Random opcode streams, biased toward valid stack use: an instruction usually gets fresh
 * arguments of the right kinds pushed before it, sometimes works on whatever the stack holds
 * (when the modelled stack is deep enough), and rarely underflows or is no opcode at all.
 */
import { O, type OpInfo } from '../opcodes.js';
import type { ProgramWriter } from './program.js';

/** How often each opcode is chosen: halting and calling opcodes rarely, so programs run on. */
function weightOf(op: OpInfo): number {
  switch (op.name) {
    case 'STOP':
    case 'RETURN':
    case 'REVERT':
    case 'INVALID':
    case 'SELFDESTRUCT':
      return 0.3;
    case 'CALL':
    case 'CALLCODE':
    case 'DELEGATECALL':
    case 'STATICCALL':
    case 'CREATE':
    case 'CREATE2':
      return 1.2;
    case 'JUMP':
    case 'JUMPI':
      return 1.5;
    case 'JUMPDEST':
      return 0.5;
    default:
      if (op.name.startsWith('PUSH') || op.name.startsWith('DUP') || op.name.startsWith('SWAP')) return 0.5;
      return 1;
  }
}

/** Bytes that are no opcode in any fork we fuzz (and a few that became one late). */
const UNDEFINED = [
  0x0c, 0x0d, 0x0e, 0x0f, 0x1e, 0x1f, 0x21, 0x2f, 0x4b, 0x4f, 0xa5, 0xb0, 0xd0, 0xe0, 0xe6, 0xec, 0xee, 0xef, 0xf6, 0xf7, 0xf8, 0xfb, 0xfc,
];

/**
 * `observe`: now and then copy a fresh result into one of the first 16 memory words, so that
 * results reach the output (the caller returns that memory) instead of dying on the stack.
 */
export function writeRandomOps(w: ProgramWriter, steps: number, observe = false): void {
  const rng = w.rng;
  const choices = w.ops.map((op) => [weightOf(op), op] as const);
  let height = 0;
  for (let i = 0; i < steps; i++) {
    const roll = rng.int(1000);
    if (roll < 40) {
      w.jumpdest();
      continue;
    }
    if (roll < 70) {
      w.keepPromise();
      continue;
    }
    if (roll < 73) {
      w.asm.op(rng.pick(UNDEFINED));
      continue;
    }
    const op = rng.weighted(choices);
    const inputs = op.args.length;
    if (op.name.startsWith('PUSH') && op.name !== 'PUSH0') {
      // Raw push data: random bytes, sometimes full of JUMPDEST bytes to tempt jumps into it.
      const n = op.code - 0x5f;
      const data = rng.bytes(n);
      if (rng.chance(0.2)) for (let j = 0; j < n; j++) if (rng.chance(0.5)) data[j] = O.JUMPDEST!;
      w.asm.pushBytes(data);
      height++;
    } else if (inputs <= height && rng.chance(op.name.startsWith('DUP') || op.name.startsWith('SWAP') || op.name === 'POP' ? 0.9 : 0.3)) {
      w.asm.op(op.code); // on whatever the stack holds
      height += op.outputs - inputs;
    } else if (inputs > height && rng.chance(0.01)) {
      w.asm.op(op.code); // an underflow, on purpose
      height = 0;
    } else {
      w.call(op);
      height += op.outputs;
    }
    if (observe && op.outputs > 0 && height > 0 && !op.name.startsWith('PUSH') && rng.chance(0.15)) {
      w.asm.op(O.DUP1!);
      w.push(32 * rng.int(16));
      w.asm.op(O.MSTORE!);
    }
    if (height > 1000) height = 1000;
    if (height < 0) height = 0;
  }
}

/** A whole random program; with `observe`, it usually ends by returning the memory it wrote results to. */
export function randomProgram(w: ProgramWriter, minSteps: number, maxSteps: number, observe = false): Uint8Array {
  writeRandomOps(w, w.rng.range(minSteps, maxSteps), observe);
  if (observe && w.rng.chance(0.7)) {
    w.push(512);
    w.push(0);
    w.asm.op(w.rng.chance(0.85) ? O.RETURN! : O.REVERT!);
  }
  return w.finish();
}
