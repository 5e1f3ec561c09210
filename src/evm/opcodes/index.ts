import { arithmeticOpcodes } from './arithmetic.js';
import { bitwiseOpcodes } from './bitwise.js';
import { blockOpcodes } from './block.js';
import { environmentOpcodes } from './environment.js';
import { logOpcodes } from './log.js';
import { memoryFlowOpcodes } from './memory-flow.js';
import { stackOpcodes } from './stack.js';
import { storageOpcodes } from './storage.js';
import { systemOpcodes } from './system.js';
import type { OpcodeDeclaration } from './types.js';

export type { OpcodeDeclaration, Handler } from './types.js';

/** Every opcode, each declared once. */
export const OPCODES: readonly OpcodeDeclaration[] = [
  ...arithmeticOpcodes,
  ...bitwiseOpcodes,
  ...environmentOpcodes,
  ...blockOpcodes,
  ...stackOpcodes,
  ...memoryFlowOpcodes,
  ...storageOpcodes,
  ...logOpcodes,
  ...systemOpcodes,
];

/**
 * Bytes of immediate data after each opcode byte (PUSHn: n, everything else 0), from the
 * declarations. One table serves every fork: the test in table.test.ts checks that each opcode
 * with immediate data exists since Frontier, so no fork reads a byte differently.
 */
export const IMMEDIATE_SIZE: Uint8Array = new Uint8Array(256);
for (const op of OPCODES) IMMEDIATE_SIZE[op.code] = op.immediate ?? 0;

/** The only byte a jump may land on (outside immediate data). */
export const JUMPDEST = 0x5b;
