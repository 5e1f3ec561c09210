/**
 * Running code directly, without a transaction (geth's `evm run`, eth_call-like tools): a message
 * call into an address, with no intrinsic gas, nonce or fee rules.
 */
import type { Address } from '../primitives/address.js';
import type { BlockContext, Log } from '../host/index.js';
import type { Rules } from '../forks/index.js';
import type { WorldState } from '../state/world-state.js';
import { joinGas, splitGas, type Tracer } from '../evm/frame.js';
import { statusMessage } from '../evm/status.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import { FrameLoop, succeeded } from './frame-loop.js';
import { resolveCode } from './resolve-code.js';

export interface CallParameters {
  caller: Address;
  to: Address;
  data?: Uint8Array;
  value?: bigint;
  gas: bigint;
  gasPrice?: bigint;
  tracer?: Tracer;
}

export interface CallResult {
  success: boolean;
  output: Uint8Array;
  gasUsed: bigint;
  error: string | undefined;
  logs: Log[];
}

export function runCallOnState(state: WorldState, params: CallParameters, block: BlockContext, rules: Rules): CallResult {
  if (rules.berlin) {
    state.warmAddress(params.caller);
    state.warmAddress(params.to);
    for (const address of getPrecompiles(rules).keys()) state.warmAddress(address);
  }
  const loop = new FrameLoop(state, {
    host: state,
    block,
    tx: { origin: params.caller, gasPrice: params.gasPrice ?? 0n, blobVersionedHashes: [] },
    rules,
    tracer: params.tracer,
  });
  const { gas, reserve } = splitGas(params.gas);
  const { code, codeAddress, precompilesDisabled } = resolveCode(state, params.to, rules);
  const result = loop.run({
    caller: params.caller,
    address: params.to,
    codeAddress,
    value: params.value ?? 0n,
    data: params.data ?? new Uint8Array(0),
    code,
    gas,
    reserve,
    depth: 0,
    isStatic: false,
    isCreate: false,
    transfersValue: true,
    precompilesDisabled,
  });
  const success = succeeded(result.status);
  const logs = success ? state.logs : [];
  state.finalizeTransaction({ deleteEmptyTouched: rules.eip158 });
  return {
    success,
    output: result.output,
    gasUsed: params.gas - joinGas(result.gasLeft, result.gasReserve),
    error: success ? undefined : statusMessage(result.status),
    logs,
  };
}
