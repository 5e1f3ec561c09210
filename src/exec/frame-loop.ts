/**
 * The frame loop: runs a message and every call and create it makes, on an explicit stack of
 * frames (revm's design). A frame suspends on CALL or CREATE; the loop starts the callee (a
 * precompile, an account without code, or a new frame), and resumes the caller with the result.
 * 1024 nested calls therefore use no JavaScript stack.
 */
import type { Address } from '../primitives/address.js';
import { createAddress, create2Address } from '../primitives/address.js';
import { keccak256 } from '../primitives/hash.js';
import type { WorldState } from '../state/world-state.js';
import { CALL_DEPTH_LIMIT, Frame, joinGas, refillGas, returnGas, splitGas, type CallRequest, type CreateRequest, type Environment, type Message } from '../evm/frame.js';
import { interpret } from '../evm/interpreter.js';
import { Status, isExceptional } from '../evm/status.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import type { Precompile } from '../evm/precompiles/types.js';

export interface FrameResult {
  status: Status;
  gasLeft: number;
  /** Gas left beyond `gasLeft` (above 2^52 only; see GAS_CHUNK). */
  gasReserve?: bigint;
  output: Uint8Array;
  /** For a successful create. */
  createdAddress?: Address;
}

const EMPTY = new Uint8Array(0);
const CODE_DEPOSIT_COST = 200;
const MAX_NONCE = (1n << 64n) - 1n;
const RIPEMD160_ADDRESS = '0x0000000000000000000000000000000000000003';

export function succeeded(status: Status): boolean {
  return status === Status.Stop || status === Status.Return;
}

/** A running frame with what is needed to finish it. */
interface Active {
  frame: Frame;
  checkpoint: number;
}

export class FrameLoop {
  private readonly precompiles: Map<string, Precompile>;

  constructor(
    private readonly state: WorldState,
    private readonly env: Environment,
  ) {
    this.precompiles = getPrecompiles(env.rules);
  }

  /** Runs a message to completion (the transaction's top-level call or create). */
  run(message: Message): FrameResult {
    const started = this.start(message);
    if (!('frame' in started)) return started;
    const stack: Active[] = [started];
    for (;;) {
      const active = stack[stack.length - 1]!;
      const frame = active.frame;
      const status = interpret(frame);
      if (status === Status.Suspended) {
        const child = this.begin(frame, frame.request!);
        if (child === undefined) continue; // resolved on the spot; the caller continues
        if ('frame' in child) stack.push(child);
        else this.resume(frame, frame.request!, child);
        continue;
      }
      const result = this.finish(active);
      frame.release();
      stack.pop();
      if (stack.length === 0) return result;
      const parent = stack[stack.length - 1]!.frame;
      this.resume(parent, parent.request!, result);
    }
  }

  /**
   * Starts a child for a request. Returns a new frame, an immediate result (precompile, no code,
   * a failed create), or undefined when the request failed before any child began (the caller's
   * stack already holds the result).
   */
  private begin(parent: Frame, request: CallRequest | CreateRequest): Active | FrameResult | undefined {
    const state = this.state;
    const depth = parent.message.depth + 1;
    if (request.kind === 'call') {
      if (depth > CALL_DEPTH_LIMIT || (request.transfersValue && state.getBalance(parent.message.address) < request.value)) {
        this.fail(parent, request.gas, request.reserve);
        return undefined;
      }
      return this.start({
        caller: request.caller,
        address: request.to,
        codeAddress: request.codeAddress,
        value: request.value,
        data: request.input,
        code: request.code,
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
    if (depth > CALL_DEPTH_LIMIT || state.getBalance(creator) < request.value || nonce === MAX_NONCE) {
      this.fail(parent, request.gas, request.reserve);
      return undefined;
    }
    const address =
      request.salt === undefined ? createAddress(creator, nonce) : create2Address(creator, request.salt, keccak256(request.initcode));
    if (this.env.rules.berlin) state.warmAddress(address);
    if (this.collides(address)) {
      // The creator's nonce still advances; the gas passed to the create is lost.
      state.incrementNonce(creator);
      this.fail(parent, 0, 0n);
      return undefined;
    }
    state.incrementNonce(creator);
    return this.start({
      caller: creator,
      address,
      codeAddress: address,
      value: request.value,
      data: EMPTY,
      code: request.initcode,
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
        return { status: Status.Stop, gasLeft: message.gas, gasReserve: message.reserve, output: EMPTY };
      }
    }
    return { frame: new Frame(message, this.env), checkpoint };
  }

  private runPrecompile(precompile: Precompile, message: Message, checkpoint: number): FrameResult {
    const gas = joinGas(message.gas, message.reserve);
    const result = precompile(message.data, gas, this.env.rules);
    if (!result.ok) {
      this.state.revert(checkpoint);
      this.keepRipemdTouch(message.address);
      return { status: Status.PrecompileFailure, gasLeft: 0, output: EMPTY };
    }
    this.touchIfEmpty(message.address);
    const left = splitGas(gas - result.gasUsed);
    return { status: Status.Return, gasLeft: left.gas, gasReserve: left.reserve, output: result.output };
  }

  /** Ends a frame: code deposit for creates, then commit or revert. */
  private finish(active: Active): FrameResult {
    const { frame, checkpoint } = active;
    const message = frame.message;
    const state = this.state;
    let status = frame.status;
    let gasLeft = frame.gas;
    let output = frame.output;

    if (message.isCreate && succeeded(status)) {
      status = this.depositCode(frame);
      gasLeft = frame.gas;
      if (succeeded(status)) {
        this.touchIfEmpty(message.address);
        return { status, gasLeft, gasReserve: frame.reserve, output: EMPTY, createdAddress: message.address };
      }
    }
    if (succeeded(status)) {
      this.touchIfEmpty(message.address);
      return { status, gasLeft, gasReserve: frame.reserve, output };
    }
    state.revert(checkpoint);
    this.keepRipemdTouch(message.address);
    if (isExceptional(status)) return { status, gasLeft: 0, output: EMPTY };
    return { status, gasLeft, gasReserve: frame.reserve, output };
  }

  /** Stores the code a create returned, charging 200 gas per byte (EIP-170, EIP-3541 apply). */
  private depositCode(frame: Frame): Status {
    const rules = this.env.rules;
    const code = frame.output;
    if (rules.london && code.length > 0 && code[0] === 0xef) return Status.CodeRejected;
    if (code.length > rules.maxCodeSize) return Status.CodeRejected;
    const cost = code.length * CODE_DEPOSIT_COST;
    if (cost > frame.gas && !refillGas(frame, cost)) {
      // Frontier: a create that cannot pay for its code leaves an account without code.
      if (!rules.homestead) return Status.Return;
      return Status.OutOfGas;
    }
    frame.gas -= cost;
    this.state.setCode(frame.message.address, code);
    return Status.Return;
  }

  /** Gives the caller the result of its call or create. */
  private resume(parent: Frame, request: CallRequest | CreateRequest, result: FrameResult): void {
    returnGas(parent, result.gasLeft, result.gasReserve);
    const ok = succeeded(result.status);
    if (request.kind === 'call') {
      parent.returnData = result.output;
      const n = Math.min(request.outSize, result.output.length);
      if (n > 0) parent.memory.set(result.output.subarray(0, n), request.outOffset);
      parent.stack[parent.sp++] = ok ? 1n : 0n;
    } else {
      parent.returnData = ok ? EMPTY : result.output;
      parent.stack[parent.sp++] = ok ? BigInt(result.createdAddress!) : 0n;
    }
    parent.status = Status.Running;
  }

  /** The request failed before a child began: the caller gets `gasBack` and a zero on its stack. */
  private fail(parent: Frame, gasBack: number, reserveBack: bigint): void {
    returnGas(parent, gasBack, reserveBack);
    parent.returnData = EMPTY;
    parent.stack[parent.sp++] = 0n;
    parent.status = Status.Running;
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
