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
