/** How a program's host functions stop it early (exceptions, because V8's WebAssembly stack must unwind). */

/** Thrown by `exit_early`: the program stops with this status (0 success, else revert). */
export class ExitEarly {
  constructor(readonly status: number) {}
}

/** A host function refused (bad pointer, a write in a static call, bad log topics...): the program fails. */
export class HostTrap extends Error {
  override readonly name = 'HostTrap';
}

/** The program ran out of ink inside a host function. */
export class OutOfInk extends Error {
  override readonly name = 'OutOfInk';
}

/** Too little JavaScript stack is left to go on safely: the program stops as out of stack. */
export class OutOfStack extends Error {
  override readonly name = 'OutOfStack';
}
