/**
 * Which code a message runs and which VM runs it: decided here, in exec/, and nowhere else.
 * EIP-7702: an account whose code is a delegation designator runs its delegate's code. The code's
 * kind picks the VM: on a chain with `rules.wasm`, code with the Stylus prefix `EF F0 00` is a
 * WebAssembly program; all other code is EVM code.
 */
import type { Address } from '../primitives/address.js';
import type { Rules } from '../forks/index.js';
import type { Activation, CodeKind, CodeResolver, Host, ResolvedCode, VirtualMachine } from '../host/index.js';
import { delegationTarget } from './delegation.js';
import { createEvmVm } from '../evm/frame.js';
import type { CodeCache, CodeCacheChoice } from '../evm/code-cache.js';
import { isProgram } from '../wasm/format.js';
import { activateCode } from '../wasm/program.js';
import { wasmVm } from '../wasm/frame.js';

/** The code a message to `address` runs under `rules`, read through `host`. */
export function resolveCode(host: Host, address: Address, rules: Rules): ResolvedCode {
  const code = host.getCode(address);
  const delegate = rules.prague ? delegationTarget(code) : undefined;
  if (delegate === undefined) return { code, codeAddress: address, codeKind: codeKind(code, rules), delegate: undefined };
  const delegated = host.getCode(delegate);
  return { code: delegated, codeAddress: delegate, codeKind: codeKind(delegated, rules), delegate };
}

/** The resolver the VMs are given for their calls. */
export function codeResolver(host: Host, rules: Rules): CodeResolver {
  return { resolve: (address) => resolveCode(host, address, rules), activate: (code) => activate(code, rules) };
}

/**
 * The code a transaction's top-level message runs. A delegate is warmed without charge here
 * (the CALL family charges for it).
 */
export function resolveTopLevelCode(host: Host, address: Address, rules: Rules): ResolvedCode {
  const resolved = resolveCode(host, address, rules);
  if (resolved.delegate !== undefined) host.warmAddress(resolved.delegate);
  return resolved;
}

export function codeKind(code: Uint8Array, rules: Rules): CodeKind {
  return rules.wasm && isProgram(code) ? 'wasm' : 'evm';
}

/** Deploying 0xEF code: a program is activated on a chain that runs them; anything else is refused. */
function activate(code: Uint8Array, rules: Rules): Activation | undefined {
  return codeKind(code, rules) === 'wasm' ? activateCode(code) : undefined;
}

/** The VM for each kind of code, as an engine holds them (the frame loop asks it per message). */
export type Machines = (kind: CodeKind) => VirtualMachine;

/** An engine's VMs: an EVM with its own code cache (and compiler tier), and the WebAssembly VM. */
/** An engine's VMs with the EVM's code cache in view (for its stats). */
export type EngineMachines = Machines & { readonly codeCache: CodeCache };

export function createMachines(options: CodeCacheChoice = {}): EngineMachines {
  const evm = createEvmVm(options);
  const machines = (kind: CodeKind): VirtualMachine => (kind === 'evm' ? evm : wasmVm);
  return Object.assign(machines, { codeCache: evm.codeCache });
}

let defaultMachines: Machines | undefined;

/** The VMs of callers that bring no engine of their own (made on first use). */
export function virtualMachine(kind: CodeKind): VirtualMachine {
  defaultMachines ??= createMachines();
  return defaultMachines(kind);
}
