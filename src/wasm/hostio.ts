/**
 * The host functions a Stylus program may import, with their WebAssembly signatures: module
 * `vm_hooks` always, `console` and `debug` when the chain links debug functions. A program that
 * imports anything else, or one of these at another type, is refused at activation.
 * Source of the names and types: the stub table in OffchainLabs/nitro crates/stylus/src/native.rs.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64';

export interface HostSignature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

const I = 'i32';
const L = 'i64';
const F = 'f32';
const D = 'f64';

function sig(params: ValType[], results: ValType[] = []): HostSignature {
  return { params, results };
}

/** `vm_hooks`: the host interface every program is linked against. */
export const VM_HOOKS: Readonly<Record<string, HostSignature>> = {
  read_args: sig([I]),
  write_result: sig([I, I]),
  exit_early: sig([I]),
  storage_load_bytes32: sig([I, I]),
  storage_cache_bytes32: sig([I, I]),
  storage_flush_cache: sig([I]),
  transient_load_bytes32: sig([I, I]),
  transient_store_bytes32: sig([I, I]),
  call_contract: sig([I, I, I, I, L, I], [I]),
  delegate_call_contract: sig([I, I, I, L, I], [I]),
  static_call_contract: sig([I, I, I, L, I], [I]),
  create1: sig([I, I, I, I, I]),
  create2: sig([I, I, I, I, I, I]),
  read_return_data: sig([I, I, I], [I]),
  return_data_size: sig([], [I]),
  emit_log: sig([I, I, I]),
  account_balance: sig([I, I]),
  account_code: sig([I, I, I, I], [I]),
  account_code_size: sig([I], [I]),
  account_codehash: sig([I, I]),
  block_basefee: sig([I]),
  block_coinbase: sig([I]),
  block_gas_limit: sig([], [L]),
  block_number: sig([], [L]),
  block_timestamp: sig([], [L]),
  chainid: sig([], [L]),
  contract_address: sig([I]),
  evm_gas_left: sig([], [L]),
  evm_ink_left: sig([], [L]),
  math_div: sig([I, I]),
  math_mod: sig([I, I]),
  math_pow: sig([I, I]),
  math_add_mod: sig([I, I, I]),
  math_mul_mod: sig([I, I, I]),
  msg_reentrant: sig([], [I]),
  msg_sender: sig([I]),
  msg_value: sig([I]),
  native_keccak256: sig([I, I, I]),
  tx_gas_price: sig([I]),
  tx_ink_price: sig([], [I]),
  tx_origin: sig([I]),
  pay_for_memory_grow: sig([I]),
};

/** `console`: printing for debugging, free of effect on the chain. */
export const CONSOLE_HOOKS: Readonly<Record<string, HostSignature>> = {
  log_txt: sig([I, I]),
  log_i32: sig([I]),
  log_i64: sig([L]),
  log_f32: sig([F]),
  log_f64: sig([D]),
  tee_i32: sig([I], [I]),
  tee_i64: sig([L], [L]),
  tee_f32: sig([F], [F]),
  tee_f64: sig([D], [D]),
};

/** `debug`: no-op hooks some SDKs emit around benchmarks. */
export const DEBUG_HOOKS: Readonly<Record<string, HostSignature>> = {
  null_host: sig([]),
  start_benchmark: sig([]),
  end_benchmark: sig([]),
};

/** The signature of an import, or undefined when no host function of that name exists. */
export function hostSignature(module: string, name: string, debug: boolean): HostSignature | undefined {
  const table =
    module === 'vm_hooks'
      ? VM_HOOKS
      : !debug
        ? undefined
        : module === 'console'
          ? CONSOLE_HOOKS
          : module === 'debug'
            ? DEBUG_HOOKS
            : undefined;
  return table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Names of the globals the instrumented module exports for the host (ink, its status, stack). */
export const INK_LEFT_GLOBAL = 'stylus_ink_left';
export const INK_STATUS_GLOBAL = 'stylus_ink_status';
export const STACK_LEFT_GLOBAL = 'stylus_stack_left';

/** Where the instrumented module imports its memory from (the host supplies it per call). */
export const MEMORY_IMPORT = { module: 'polyvm', name: 'memory' } as const;

/** Ink per unit of gas (Stylus's InkPrice). */
export const INK_PER_GAS = 10_000;
