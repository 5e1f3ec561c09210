/**
 * Which code a message runs and which VM runs it: decided here, in exec/, and nowhere else.
 * EIP-7702: an account whose code is a delegation designator runs its delegate's code. The code's
 * kind picks the VM (only the EVM today; a WebAssembly program is recognised by its prefix).
 */
import type { Address } from '../primitives/address.js';
import type { Rules } from '../forks/index.js';
import type { CodeKind, CodeResolver, Host, ResolvedCode, VirtualMachine } from '../host/index.js';
import { delegationTarget } from './delegation.js';
import { evmVm } from '../evm/frame.js';

/** The code a message to `address` runs under `rules`, read through `host`. */
export function resolveCode(host: Host, address: Address, rules: Rules): ResolvedCode {
  const code = host.getCode(address);
  const delegate = rules.prague ? delegationTarget(code) : undefined;
  if (delegate === undefined) return { code, codeAddress: address, codeKind: codeKind(code), delegate: undefined };
  const delegated = host.getCode(delegate);
  return { code: delegated, codeAddress: delegate, codeKind: codeKind(delegated), delegate };
}

/** The resolver the VMs are given for their calls. */
export function codeResolver(host: Host, rules: Rules): CodeResolver {
  return { resolve: (address) => resolveCode(host, address, rules) };
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

export function codeKind(_code: Uint8Array): CodeKind {
  return 'evm';
}

const MACHINES: Record<CodeKind, VirtualMachine> = { evm: evmVm };

export function virtualMachine(kind: CodeKind): VirtualMachine {
  return MACHINES[kind];
}
