/**
 * The JavaScript WebAssembly API, typed for what polyvm uses. It exists in browsers and Node
 * alike, but the `lib` and `@types/node` versions this project builds with do not declare it.
 */
export interface WasmGlobal {
  value: number | bigint;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: Record<string, Record<string, unknown>>) => WasmInstance;
  Global: new (descriptor: { value: 'i32' | 'i64'; mutable?: boolean }, value?: number | bigint) => WasmGlobal;
  RuntimeError: new (message?: string) => Error;
  CompileError: new (message?: string) => Error;
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
