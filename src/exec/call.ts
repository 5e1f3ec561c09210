/**
 * Running code directly, without a transaction (geth's `evm run`, eth_call-like tools): a message
 * call into an address, with no intrinsic gas, nonce or fee rules.
 */
import type { Address } from '../primitives/address.js';
import type { BlockContext, JournaledHost, Log, Tracer } from '../host/index.js';
import type { CodeKind } from '../host/message.js';
import type { VirtualMachine } from '../host/frame.js';
import type { Rules } from '../forks/index.js';
import { joinGas, splitGas } from '../host/gas.js';
import { statusMessage, succeeded } from '../host/status.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { FrameLoop } from './frame-loop.js';
import { codeResolver, resolveTopLevelCode } from './code.js';

export interface CallParameters {
  caller: Address;
  to: Address;
  data?: Uint8Array;
  value?: bigint;
  gas: bigint;
  gasPrice?: bigint;
  tracer?: Tracer;
  /** Where programs' debug output goes (WebAssembly `console` host functions). */
  print?: (line: string) => void;
  /** The VM for each kind of code: the engine's own unless a tool plugs one in (the fuzzer's peer-bug models). */
  machines?: (kind: CodeKind) => VirtualMachine;
}

export interface CallResult {
  success: boolean;
  output: Uint8Array;
  gasUsed: bigint;
  error: string | undefined;
  logs: Log[];
}

export function runCallOnState(state: JournaledHost, params: CallParameters, block: BlockContext, rules: Rules): CallResult {
  if (rules.berlin) {
    state.warmAddress(params.caller);
    state.warmAddress(params.to);
    state.warmForTransaction(getPrecompiles(rules));
  }
  const loop = new FrameLoop(
    state,
    {
      host: state,
      code: codeResolver(state, rules),
      block,
      tx: { origin: params.caller, gasPrice: params.gasPrice ?? 0n, blobVersionedHashes: [] },
      rules,
      tracer: params.tracer,
      print: params.print,
    },
    params.machines,
  );
  const { gas, reserve } = splitGas(params.gas);
  const { code, codeAddress, codeKind, delegate } = resolveTopLevelCode(state, params.to, rules);
  const result = loop.run({
    caller: params.caller,
    address: params.to,
    codeAddress,
    value: params.value ?? 0n,
    data: params.data ?? EMPTY_BYTES,
    code,
    codeKind,
    gas,
    reserve,
    depth: 0,
    isStatic: false,
    isCreate: false,
    transfersValue: true,
    precompilesDisabled: delegate !== undefined,
  });
  const success = succeeded(result.status);
  const logs = success ? state.logs : [];
  state.finalizeTransaction({ deleteEmptyTouched: rules.eip158 });
  return {
    success,
    output: result.output,
    gasUsed: params.gas - joinGas(result.gasLeft, result.gasReserve),
    error: success
      ? undefined
      : result.reason !== undefined
        ? `${statusMessage(result.status)}: ${result.reason}`
        : statusMessage(result.status),
    logs,
  };
}
