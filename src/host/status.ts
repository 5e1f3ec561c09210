/** How a frame ends, in any VM. Protocol outcomes are values, not exceptions. */
export const enum Status {
  Running = 0,
  /** Paused on a call or create request: the frame loop in exec/ runs the child, then resumes this frame. */
  Suspended = 1,
  Stop = 2,
  Return = 3,
  Revert = 4,
  // Exceptional halts: all gas is consumed.
  OutOfGas = 10,
  StackUnderflow = 11,
  StackOverflow = 12,
  InvalidOpcode = 13,
  InvalidJump = 14,
  StaticStateChange = 15,
  ReturnDataOutOfBounds = 16,
  /** Code deposit rules (EIP-170 size, EIP-3541 prefix) and the initcode limit. */
  CodeRejected = 17,
  CreateCollision = 18,
  PrecompileFailure = 19,
  /** A WebAssembly program that cannot be activated or instantiated. */
  InvalidProgram = 20,
  /** A WebAssembly program used more stack than a call may. */
  StackDepth = 21,
}

/** A frame that stopped or returned: its changes stand. */
export function succeeded(status: Status): boolean {
  return status === Status.Stop || status === Status.Return;
}

export function isExceptional(status: Status): boolean {
  return status >= Status.OutOfGas;
}

const NAMES: Record<number, string> = {
  [Status.Stop]: 'stop',
  [Status.Return]: 'return',
  [Status.Revert]: 'execution reverted',
  [Status.OutOfGas]: 'out of gas',
  [Status.StackUnderflow]: 'stack underflow',
  [Status.StackOverflow]: 'stack limit reached 1024',
  [Status.InvalidOpcode]: 'invalid opcode',
  [Status.InvalidJump]: 'invalid jump destination',
  [Status.StaticStateChange]: 'write protection',
  [Status.ReturnDataOutOfBounds]: 'return data out of bounds',
  [Status.CodeRejected]: 'contract code rejected',
  [Status.CreateCollision]: 'contract address collision',
  [Status.PrecompileFailure]: 'precompile failed',
  [Status.InvalidProgram]: 'invalid program',
  [Status.StackDepth]: 'max call depth exceeded',
};

export function statusMessage(status: Status): string {
  return NAMES[status] ?? `status ${status}`;
}
