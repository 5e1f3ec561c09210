/**
 * Test support for activation: WAT → binary through the `wabt` devDependency (synchronously, for
 * tests that build many modules), a Stylus module template, and a way to run an instrumented
 * program in V8 with the host's globals at hand.
 */
import wabtInit from 'wabt';
import { MEMORY_IMPORT } from '../hostio.js';
import { activateProgram, type ActivatedProgram, type ActivateOptions } from '../activate.js';

const wabt = await wabtInit();

/** wabt feature flags, e.g. `{ simd: true }`. */
export type Features = Record<string, boolean>;

/** Compiles WAT text to a binary; `features` turns on proposals wabt refuses by default. */
export function wat(source: string, features: Features = {}): Uint8Array {
  const module = wabt.parseWat('test.wat', source, features);
  try {
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** A module with a fixed 1-page memory, an entrypoint with `body`, and `extra` module fields. */
export function entrypoint(body: string, extra = '', locals = ''): string {
  return `(module
    (memory (export "memory") 1 1)
    ${extra}
    (func $main (export "user_entrypoint") (param i32) (result i32) ${locals}
      ${body}))`;
}

/** Compiles and activates. */
export function activate(source: string, options?: ActivateOptions, features?: Features): ActivatedProgram {
  return activateProgram(wat(source, features), options);
}

export interface Running {
  readonly instance: WebAssembly.Instance;
  readonly inkLeft: WebAssembly.Global;
  readonly inkStatus: WebAssembly.Global;
  readonly stackLeft: WebAssembly.Global;
  /** Calls user_entrypoint with the given ink and stack budget. */
  call(arg: number, ink: bigint, stack?: number): number;
}

/** Instantiates an activated program in V8; `hooks` supplies vm_hooks functions. */
export function run(program: ActivatedProgram, hooks: Record<string, unknown> = {}): Running {
  const module = new WebAssembly.Module(program.wasm);
  const memory = new WebAssembly.Memory(
    program.maxPages === undefined ? { initial: program.footprint } : { initial: program.footprint, maximum: program.maxPages },
  );
  const instance = new WebAssembly.Instance(module, {
    vm_hooks: hooks,
    [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory },
  } as WebAssembly.Imports);
  const global = (name: string) => instance.exports[name] as WebAssembly.Global;
  const inkLeft = global('stylus_ink_left');
  const inkStatus = global('stylus_ink_status');
  const stackLeft = global('stylus_stack_left');
  const main = instance.exports['user_entrypoint'] as (arg: number) => number;
  return {
    instance,
    inkLeft,
    inkStatus,
    stackLeft,
    call(arg, ink, stack = 10_000) {
      inkLeft.value = ink;
      inkStatus.value = 0;
      stackLeft.value = stack;
      return main(arg);
    },
  };
}

/** Ink a call spends, given plenty. */
export function inkSpent(program: ActivatedProgram, arg = 0, hooks: Record<string, unknown> = {}): bigint {
  const running = run(program, hooks);
  const start = 1n << 40n;
  running.call(arg, start);
  return start - BigInt(running.inkLeft.value);
}
