/**
 * The frame loop: runs a message and every call and create it makes, on an explicit stack of
 * frames (revm's design). A frame suspends with a call or create request; the loop starts the
 * callee (a precompile, an account without code, or a new frame in the VM its code belongs to),
 * and resumes the caller with the result. 1024 nested calls therefore use no JavaScript stack,
 * and the loop never needs to know which VM a frame belongs to.
 */
import type { Address } from '../primitives/address.js';
import { createAddress, create2Address } from '../primitives/address.js';
import { keccak256 } from '../primitives/hash.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { MAX_NONCE } from '../tx/validate.js';
import type {
  CallRequest,
  ChildRunner,
  FrameRequest,
  CodeKind,
  CreateRequest,
  Environment,
  FrameResult,
  JournaledHost,
  Message,
  TracedCallType,
  TracedEnter,
  Tracer,
  VirtualMachine,
  VmFrame,
} from '../host/index.js';
import { Status, isExceptional, statusMessage, succeeded } from '../host/status.js';
import { joinGas, splitGas } from '../host/gas.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import type { Precompile } from '../evm/precompiles/types.js';
import { virtualMachine } from './code.js';
import { CHILD_HEADROOM_KB, hasStackHeadroom } from '../primitives/stack-headroom.js';

/** The deepest a call or create may nest (EIP-150 made it unreachable by gas alone, but it stays). */
export const CALL_DEPTH_LIMIT = 1024;
const RIPEMD160_ADDRESS = '0x0000000000000000000000000000000000000003';

/** Why a request failed before any child began (the caller has been told). */
type Refusal = 'depth' | 'balance' | 'nonce' | 'collision';

/** geth's words for each refusal, as tracers report them. */
const REFUSALS: Record<Refusal, string> = {
  depth: 'max call depth exceeded',
  balance: 'insufficient balance for transfer',
  nonce: 'nonce uint64 overflow',
  collision: 'contract address collision',
};

/** geth's words for a precompile's refusal, where ours differ (tracers print geth's). */
const PRECOMPILE_ERRORS: Record<string, string> = {
  'blake2f input must be 213 bytes': 'invalid input length',
  'blake2f final-block flag must be 0 or 1': 'invalid final flag',
  'point evaluation input must be 192 bytes': 'invalid input length',
  'versioned hash does not match the commitment': 'mismatched versioned hash',
};

const CALL_TYPES: Record<number, TracedCallType> = { 0xf1: 'CALL', 0xf2: 'CALLCODE', 0xf4: 'DELEGATECALL', 0xfa: 'STATICCALL' };

/** A running frame with what is needed to finish it. */
interface Active {
  frame: VmFrame;
  checkpoint: number;
}

export class FrameLoop implements ChildRunner {
  private readonly precompiles: Map<string, Precompile>;
  /** For a tracer: why the precompile that just ran failed. */
  private precompileFailure: string | undefined = undefined;

  /** @param machines the VM for each kind of code (the engine's own unless a test plugs one in) */
  constructor(
    private readonly state: JournaledHost,
    private readonly env: Environment,
    private readonly machines: (kind: CodeKind) => VirtualMachine = virtualMachine,
  ) {
    this.precompiles = getPrecompiles(env.rules);
  }

  /** Runs a message to completion (the transaction's top-level call or create). */
  run(message: Message): FrameResult {
    const tracer = this.env.tracer;
    if (tracer !== undefined) {
      tracer.enter?.({
        type: message.isCreate ? 'CREATE' : 'CALL',
        depth: message.depth,
        from: message.caller,
        to: message.address,
        input: message.isCreate ? message.code : message.data,
        gas: joinGas(message.gas, message.reserve),
        value: message.value,
      });
    }
    const started = this.start(message);
    if (!('frame' in started)) {
      if (tracer !== undefined) this.traceExit(tracer, message, started);
      return started;
    }
    return this.drive(started);
  }

  /**
   * A frame that cannot suspend (a WebAssembly program) asks for a child from inside a host
   * function: it runs here on its own stack of frames, nested in the JavaScript stack. Each such
   * level costs JavaScript stack, so a child that would not fit is refused before it begins:
   * the call fails cleanly, as a call beyond the depth limit does.
   */
  runChild(parent: VmFrame, request: FrameRequest): FrameResult | undefined {
    if (!hasStackHeadroom(CHILD_HEADROOM_KB)) {
      parent.fail(request.gas, request.reserve);
      return undefined;
    }
    const child = this.begin(parent, request);
    if (typeof child === 'string') return undefined;
    if (!('frame' in child)) return child;
    return this.drive(child);
  }

  /** Runs a started frame and every child it asks for, on an explicit stack. */
  private drive(first: Active): FrameResult {
    const stack: Active[] = [first];
    for (;;) {
      const active = stack[stack.length - 1]!;
      const frame = active.frame;
      const status = frame.run();
      if (status === Status.Suspended) {
        const child = this.begin(frame, frame.request!);
        if (typeof child === 'string') continue; // refused on the spot; the caller continues
        if ('frame' in child) stack.push(child);
        else frame.resume(child);
        continue;
      }
      const result = this.finish(active);
      if (this.env.tracer !== undefined) this.traceExit(this.env.tracer, frame.message, result, frame);
      frame.release();
      stack.pop();
      if (stack.length === 0) return result;
      stack[stack.length - 1]!.frame.resume(result);
    }
  }

  /**
   * Starts a child for a request. Returns a new frame, an immediate result (precompile, no code),
   * or why the request failed before any child began (the caller has been told and continues).
   */
  private begin(parent: VmFrame, request: CallRequest | CreateRequest): Active | FrameResult | Refusal {
    if (this.env.tracer !== undefined) return this.beginTraced(this.env.tracer, parent, request);
    return this.open(parent, request);
  }

  /** `begin` reported to a tracer: the child's enter, and its exit unless a frame now runs. */
  private beginTraced(tracer: Tracer, parent: VmFrame, request: CallRequest | CreateRequest): Active | FrameResult | Refusal {
    const from = parent.message.address;
    const depth = parent.message.depth + 1;
    const gas = joinGas(request.gas, request.reserve);
    let enter: TracedEnter;
    if (request.kind === 'call') {
      const type = CALL_TYPES[request.opcode] ?? 'CALL';
      // As geth reports it: the address the instruction names, not an EIP-7702 delegate.
      enter = {
        type,
        depth,
        from,
        to: request.target,
        input: request.input,
        gas,
        value: type === 'STATICCALL' ? undefined : request.value,
      };
    } else {
      const to = this.createTarget(from, request);
      enter = {
        type: request.salt === undefined ? 'CREATE' : 'CREATE2',
        depth,
        from,
        to,
        input: request.initcode,
        gas,
        value: request.value,
      };
    }
    tracer.enter?.(enter);
    const child = this.open(parent, request);
    if (typeof child === 'string') {
      // A collision burns the gas passed; the other refusals give it all back.
      tracer.exit?.({ depth, output: EMPTY_BYTES, gasUsed: child === 'collision' ? gas : 0n, error: REFUSALS[child], reverted: true });
    } else if (!('frame' in child)) {
      this.traceExit(tracer, { depth, gas: request.gas, reserve: request.reserve }, child);
    }
    return child;
  }

  /** The address a create request makes (from the creator's nonce before it advances). */
  private createTarget(creator: Address, request: CreateRequest): Address {
    return request.salt === undefined
      ? createAddress(creator, this.state.getNonce(creator))
      : create2Address(creator, request.salt, keccak256(request.initcode));
  }

  /** Reports a frame's end: gas used from the gas it was given, and geth's words for a failure. */
  private traceExit(
    tracer: Tracer,
    message: Pick<Message, 'depth' | 'gas' | 'reserve'> & { isCreate?: boolean },
    result: FrameResult,
    frame?: VmFrame,
  ): void {
    const precompileFailure = this.precompileFailure;
    this.precompileFailure = undefined;
    if (tracer.exit === undefined) return;
    const gasUsed = joinGas(message.gas, message.reserve) - joinGas(result.gasLeft, result.gasReserve);
    let output = result.output;
    let error: string | undefined;
    const status = result.status;
    if (message.isCreate === true && frame !== undefined && (succeeded(status) || status === Status.Revert)) output = frame.output;
    if (!succeeded(status)) {
      if (status === Status.PrecompileFailure) error = precompileFailure ?? 'precompiled failed';
      else if (frame !== undefined && frame.status !== status) error = this.depositFailure(status, frame);
      else error = frame?.haltReason?.() ?? statusMessage(status);
      // A failed create's frame output (its code) is not what a tracer shows; a revert's data is.
      if (frame !== undefined && message.isCreate === true && status !== Status.Revert) output = frame.output;
    }
    tracer.exit({ depth: message.depth, output, gasUsed, error, reverted: error !== undefined });
  }

  /** geth's words for a create whose code `depositCode` refused. */
  private depositFailure(status: Status, frame: VmFrame): string {
    if (status === Status.OutOfGas) return 'contract creation code storage out of gas';
    if (frame.rejection !== undefined) return `${statusMessage(status)}: ${frame.rejection}`;
    if (frame.output.length > this.env.rules.maxCodeSize) return 'max code size exceeded';
    return 'invalid code: must not begin with 0xef';
  }

  /** Opens a child for a request (`begin` without a tracer). */
  private open(parent: VmFrame, request: CallRequest | CreateRequest): Active | FrameResult | Refusal {
    const state = this.state;
    const depth = parent.message.depth + 1;
    if (request.kind === 'call') {
      if (depth > CALL_DEPTH_LIMIT) {
        parent.fail(request.gas, request.reserve);
        return 'depth';
      }
      if (request.transfersValue && state.getBalance(parent.message.address) < request.value) {
        parent.fail(request.gas, request.reserve);
        return 'balance';
      }
      return this.start({
        caller: request.caller,
        address: request.to,
        codeAddress: request.codeAddress,
        value: request.value,
        data: request.input,
        code: request.code,
        codeKind: request.codeKind,
        gas: request.gas,
        reserve: request.reserve,
        depth,
        isStatic: request.isStatic,
        isCreate: false,
        transfersValue: request.transfersValue,
        precompilesDisabled: request.precompilesDisabled,
      });
    }

    const creator = parent.message.address;
    const nonce = state.getNonce(creator);
    const refusal: Refusal | undefined =
      depth > CALL_DEPTH_LIMIT
        ? 'depth'
        : state.getBalance(creator) < request.value
          ? 'balance'
          : nonce === MAX_NONCE
            ? 'nonce'
            : undefined;
    if (refusal !== undefined) {
      parent.fail(request.gas, request.reserve);
      return refusal;
    }
    const address =
      request.salt === undefined ? createAddress(creator, nonce) : create2Address(creator, request.salt, keccak256(request.initcode));
    if (this.env.rules.berlin) state.warmAddress(address);
    if (this.collides(address)) {
      // The creator's nonce still advances; the gas passed to the create is lost.
      state.incrementNonce(creator);
      parent.fail(0, 0n);
      return 'collision';
    }
    state.incrementNonce(creator);
    return this.start({
      caller: creator,
      address,
      codeAddress: address,
      value: request.value,
      data: EMPTY_BYTES,
      code: request.initcode,
      // Initcode is EVM code, whichever VM asked for the create.
      codeKind: 'evm',
      gas: request.gas,
      reserve: request.reserve,
      depth,
      isStatic: false,
      isCreate: true,
      transfersValue: true,
    });
  }

  /** EIP-684 and EIP-7610: an address with code, a nonce or storage cannot be created at. */
  collides(address: Address): boolean {
    const state = this.state;
    return state.getNonce(address) !== 0n || state.getCode(address).length > 0 || state.hasStorage(address);
  }

  /** Starts a message: transfers value, then runs a precompile, finds no code, or makes a frame. */
  start(message: Message): Active | FrameResult {
    const state = this.state;
    const checkpoint = state.checkpoint();
    if (message.isCreate) {
      // EIP-161: contracts start with nonce 1.
      state.createContractAccount(message.address, this.env.rules.eip158 ? 1n : 0n);
    } else if (!this.env.rules.eip158 && !state.accountExists(message.address)) {
      // Before EIP-161 a message call creates the account it calls, even with no value (undone
      // with the frame if it fails).
      state.addBalance(message.address, 0n);
    }
    if (message.transfersValue && message.value !== 0n) {
      state.subBalance(message.caller, message.value);
      state.addBalance(message.address, message.value);
    }
    if (!message.isCreate) {
      const precompile = message.precompilesDisabled ? undefined : this.precompiles.get(message.codeAddress);
      if (precompile) return this.runPrecompile(precompile, message, checkpoint);
      if (message.code.length === 0) {
        this.touchIfEmpty(message.address);
        return { status: Status.Stop, gasLeft: message.gas, gasReserve: message.reserve, output: EMPTY_BYTES };
      }
    }
    return { frame: this.machines(message.codeKind).createFrame(message, this.env, this), checkpoint };
  }

  private runPrecompile(precompile: Precompile, message: Message, checkpoint: number): FrameResult {
    const gas = joinGas(message.gas, message.reserve);
    const result = precompile(message.data, gas, this.env.rules);
    if (!result.ok) {
      if (this.env.tracer !== undefined) this.precompileFailure = PRECOMPILE_ERRORS[result.reason] ?? result.reason;
      this.state.revert(checkpoint);
      this.keepRipemdTouch(message.address);
      return { status: Status.PrecompileFailure, gasLeft: 0, output: EMPTY_BYTES };
    }
    this.touchIfEmpty(message.address);
    const left = splitGas(gas - result.gasUsed);
    return { status: Status.Return, gasLeft: left.gas, gasReserve: left.reserve, output: result.output };
  }

  /** Ends a frame: the creating VM deposits a create's code, then the loop commits or reverts. */
  private finish(active: Active): FrameResult {
    const { frame, checkpoint } = active;
    const message = frame.message;
    let status = frame.status;

    let reason: string | undefined;
    if (message.isCreate && succeeded(status)) {
      status = frame.depositCode(this.state);
      if (succeeded(status)) {
        this.touchIfEmpty(message.address);
        return { status, gasLeft: frame.gas, gasReserve: frame.reserve, output: EMPTY_BYTES, createdAddress: message.address };
      }
      reason = frame.rejection;
    }
    if (succeeded(status)) {
      this.touchIfEmpty(message.address);
      return { status, gasLeft: frame.gas, gasReserve: frame.reserve, output: frame.output };
    }
    this.state.revert(checkpoint);
    this.keepRipemdTouch(message.address);
    if (isExceptional(status))
      return reason === undefined ? { status, gasLeft: 0, output: EMPTY_BYTES } : { status, gasLeft: 0, output: EMPTY_BYTES, reason };
    return { status, gasLeft: frame.gas, gasReserve: frame.reserve, output: frame.output };
  }

  /** EIP-161: an account that a successful frame ran at and left empty is deleted at the end. */
  private touchIfEmpty(address: Address): void {
    if (this.env.rules.eip158 && this.state.accountExists(address) && this.state.isEmpty(address)) this.state.touch(address);
  }

  /**
   * Mainnet block 2675119 cleared the empty account 0x03 although the call to it failed; the
   * specs keep that behaviour, so a failed frame at 0x03 still touches it.
   */
  private keepRipemdTouch(address: Address): void {
    if (address === RIPEMD160_ADDRESS) this.touchIfEmpty(address);
  }
}
