/**
 * The host functions a Stylus program imports (`vm_hooks`, and `console`/`debug`), as Stylus
 * defines them: each buys ink for its own work and EVM gas for what it touches, with the EVM's
 * rules (EIP-2929 access, net-metered SSTORE with refunds, LOG, the 63/64 rule and stipend on
 * calls, CREATE and CREATE2). Prices are Arbitrum's (nitro crates/arbutil pricing and
 * user-host-trait; see docs/wasm.md for the table).
 */
import type { Address } from '../primitives/address.js';
import { addressToBytes, bytesToAddress } from '../primitives/address.js';
import { bigintToFixedBytes, bytesToBigint, EMPTY_BYTES } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/hash.js';
import type { Environment, FrameResult, FrameRequest, HostCall, Message, TracedFrame } from '../host/index.js';
import { Status, succeeded } from '../host/status.js';
import { splitGas } from '../host/gas.js';
import { applyNetSstoreRefund, netSstoreCost } from '../host/storage-gas.js';
import { INK_PER_GAS } from './hostio.js';
import { openPages, type PageCounts } from './memory-model.js';
import { CACHE_ACCESS_GAS, type StorageCache } from './storage-cache.js';
import { ExitEarly, HostTrap, OutOfInk, OutOfStack } from './outcome.js';
import { HOST_CALL_HEADROOM_KB, hasStackHeadroom } from '../primitives/stack-headroom.js';

/** What the host functions need of the running frame. */
export interface ProgramHost {
  readonly message: Message;
  readonly env: Environment;
  ink: { value: bigint };
  inkStatus: { value: number };
  memory: WebAssembly.Memory | undefined;
  readonly cache: StorageCache;
  returnData: Uint8Array;
  output: Uint8Array;
  readonly reentrant: boolean;
  readonly pages: PageCounts;
  runChild(request: FrameRequest): { result: FrameResult | undefined; refusedGas: bigint };
}

// Ink prices of the host functions themselves (nitro crates/arbutil/src/pricing.rs).
const HOSTIO = 8_400n;
const PTR = 5_040n;
const EVM_API = 59_673n;
const DIV = 20_000n;
const ADD_MOD = 21_000n;
const MUL_MOD = 24_100n;
const PRICE = BigInt(INK_PER_GAS);
// The fixed parts of the hooks' prices, summed once: HOSTIO, PTR per pointer, EVM_API for state.
const HOSTIO_PTR = HOSTIO + PTR;
const HOSTIO_2PTR = HOSTIO + 2n * PTR;
const HOSTIO_3PTR = HOSTIO + 3n * PTR;
const HOSTIO_API = HOSTIO + EVM_API;
const HOSTIO_2PTR_API = HOSTIO_2PTR + EVM_API;
const HOSTIO_3PTR_API = HOSTIO_3PTR + EVM_API;
const HOSTIO_4PTR_API = HOSTIO + 4n * PTR + EVM_API;
const MATH_DIV_INK = HOSTIO_3PTR + DIV;
const MATH_ADD_MOD_INK = HOSTIO + 4n * PTR + ADD_MOD;
const MATH_MUL_MOD_INK = HOSTIO + 4n * PTR + MUL_MOD;
/** EVM_API ink as gas: what a storage miss adds for going to state. */
const EVM_API_GAS = EVM_API / PRICE;

// EVM gas a host function must be able to pay before it starts (nitro arbutil evm constants).
const COLD_SLOAD_GAS = 2_100n;
const COLD_ACCOUNT_GAS = 2_600n;
const WARM_ACCESS_GAS = 100n;
const SSTORE_SENTRY_GAS = 2_300n;
const TRANSIENT_GAS = 100n;
const LOG_TOPIC_GAS = 375n;
const LOG_DATA_GAS = 8n;
const CALL_VALUE_GAS = 9_000n;
const NEW_ACCOUNT_GAS = 25_000n;
const CALL_STIPEND = 2_300n;
const CREATE_GAS = 32_000n;
const KECCAK_WORD_GAS = 6n;
/** EXTCODESIZE's old price, which Stylus adds for reading code (EIP-150). */
const CODE_READ_GAS = 700n;

const U64_MAX = 2n ** 64n - 1n;
const U256_MOD = 2n ** 256n;
const MAX_WORD = U256_MOD - 1n;
const OPCODE_CALL = 0xf1;
const OPCODE_DELEGATECALL = 0xf4;
const OPCODE_STATICCALL = 0xfa;

function wordCount(bytes: number): bigint {
  return BigInt(Math.ceil(bytes / 32));
}

/** Ink to write n bytes into the program's memory. */
function writePrice(bytes: number): bigint {
  return 5_040n + 30n * BigInt(Math.max(bytes - 32, 0));
}

/** Ink to read n bytes from the program's memory. */
function readPrice(bytes: number): bigint {
  return 16_381n + 55n * BigInt(Math.max(bytes - 32, 0));
}

function keccakPrice(bytes: number): bigint {
  const extra = wordCount(bytes) - 2n;
  return 121_800n + 21_000n * (extra > 0n ? extra : 0n);
}

/** Cheaper for exponents with leading zero bytes. */
function powPrice(exponent: Uint8Array): bigint {
  let length = 33;
  for (const byte of exponent) {
    if (byte !== 0) break;
    length--;
  }
  return 3_000n + 17_500n * BigInt(length);
}

/** Builds the import object for one call of a program. */
export function hostFunctions(p: ProgramHost): Record<string, Record<string, (...args: never[]) => unknown>> {
  const env = p.env;
  const host = env.host;
  const message = p.message;
  const rules = env.rules;

  // ---- ink and gas ----
  const buyInk = (ink: bigint): void => {
    const left = p.ink.value;
    if (left < ink) {
      p.ink.value = 0n;
      p.inkStatus.value = 1;
      throw new OutOfInk('out of ink');
    }
    p.ink.value = left - ink;
  };
  const buyGas = (gas: bigint): void => buyInk(gas * PRICE);
  /** Stops unless `gas` is available, spending nothing. */
  const requireGas = (gas: bigint): void => {
    if (p.ink.value < gas * PRICE) {
      p.inkStatus.value = 1;
      throw new OutOfInk('out of ink');
    }
  };
  const gasLeft = (): bigint => p.ink.value / PRICE;

  // ---- the program's memory ----
  // One view of the memory, made again only when it is another memory or grew (growing detaches
  // the old buffer, whose views then have length 0): most hooks read or write a few words.
  let viewed: WebAssembly.Memory | undefined;
  let view: Uint8Array = EMPTY_BYTES;
  let words = new DataView(view.buffer);
  const bytes = (): Uint8Array => {
    const memory = p.memory!;
    if (memory !== viewed || view.length === 0) {
      viewed = memory;
      view = new Uint8Array(memory.buffer);
      words = new DataView(memory.buffer);
    }
    return view;
  };
  const read = (pointer: number, length: number): Uint8Array => {
    const start = pointer >>> 0;
    const end = start + (length >>> 0);
    const memory = bytes();
    if (end > memory.length) throw new HostTrap(`memory read out of bounds: ${start}..${end} of ${memory.length}`);
    return memory.slice(start, end);
  };
  const write = (pointer: number, data: Uint8Array): void => {
    const start = pointer >>> 0;
    const memory = bytes();
    if (start + data.length > memory.length) throw new HostTrap(`memory write out of bounds: ${start}+${data.length} of ${memory.length}`);
    memory.set(data, start);
  };
  /** A big-endian word, read in four 64-bit pieces with no copy. */
  const readWord = (pointer: number): bigint => {
    const start = pointer >>> 0;
    const length = bytes().length;
    if (start + 32 > length) throw new HostTrap(`memory read out of bounds: ${start}..${start + 32} of ${length}`);
    const w = words;
    return (
      (w.getBigUint64(start) << 192n) |
      (w.getBigUint64(start + 8) << 128n) |
      (w.getBigUint64(start + 16) << 64n) |
      w.getBigUint64(start + 24)
    );
  };
  const writeWord = (pointer: number, value: bigint): void => {
    if (value < 0n || value > MAX_WORD) return write(pointer, bigintToFixedBytes(value, 32));
    const start = pointer >>> 0;
    const length = bytes().length;
    if (start + 32 > length) throw new HostTrap(`memory write out of bounds: ${start}+32 of ${length}`);
    const w = words;
    w.setBigUint64(start, value >> 192n);
    w.setBigUint64(start + 8, BigInt.asUintN(64, value >> 128n));
    w.setBigUint64(start + 16, BigInt.asUintN(64, value >> 64n));
    w.setBigUint64(start + 24, BigInt.asUintN(64, value));
  };
  /**
   * A word a program passes again and again (a modulus, a divisor): kept with its bytes, and
   * turned into a bigint again only when they change.
   */
  const lastBytes = new Uint32Array(8);
  let lastWord: bigint | undefined;
  const readRepeatedWord = (pointer: number): bigint => {
    const start = pointer >>> 0;
    const length = bytes().length;
    if (start + 32 > length) throw new HostTrap(`memory read out of bounds: ${start}..${start + 32} of ${length}`);
    const w = words;
    let same = lastWord !== undefined;
    for (let i = 0; i < 8; i++) {
      const piece = w.getUint32(start + 4 * i);
      if (piece !== lastBytes[i]) {
        same = false;
        lastBytes[i] = piece;
      }
    }
    return same ? lastWord! : (lastWord = readWord(pointer));
  };
  /** The product of the words at `a` and `b`, read once when they are the same word (a square). */
  const product = (a: number, b: number): bigint => {
    const x = readWord(a);
    return a === b ? x * x : x * readWord(b);
  };
  const readAddress = (pointer: number): Address => bytesToAddress(read(pointer, 20));
  const writeAddress = (pointer: number, address: Address): void => write(pointer, addressToBytes(address));
  const writeU32 = (pointer: number, value: number): void => {
    const start = pointer >>> 0;
    const length = bytes().length;
    if (start + 4 > length) throw new HostTrap(`memory write out of bounds: ${start}+4 of ${length}`);
    words.setUint32(start, value, true);
  };

  /**
   * Before a host function changes state (warm sets included): stop the program if the stack is
   * nearly used up, so that it never runs out half way through a change.
   */
  const guard = (): void => {
    if (!hasStackHeadroom(HOST_CALL_HEADROOM_KB)) throw new OutOfStack('out of JavaScript stack');
  };

  /** EIP-2929 account access: 100 warm, 2,600 cold (and warms it). */
  const accessGas = (address: Address): bigint => {
    guard();
    return host.warmAddress(address) ? COLD_ACCOUNT_GAS : WARM_ACCESS_GAS;
  };

  // ---- storage through the cache ----
  const storageLoad = (slot: bigint): { value: bigint; gas: bigint } => {
    let gas = BigInt(p.cache.readGas());
    const cached = p.cache.slots.get(slot);
    if (cached !== undefined) return { value: cached.value, gas };
    guard();
    gas += (host.warmSlot(message.address, slot) ? COLD_SLOAD_GAS : WARM_ACCESS_GAS) + EVM_API_GAS;
    const value = host.getStorage(message.address, slot);
    p.cache.slots.set(slot, { value, known: value });
    return { value, gas };
  };

  /** Writes the dirty slots as SSTOREs with `limit` gas; returns the gas used, or how it failed. */
  const flush = (clear: boolean, limit: bigint): { gas: bigint; failure?: 'static' | 'gas' } => {
    guard();
    const dirty = p.cache.takeDirty();
    if (clear) p.cache.slots.clear();
    let left = limit;
    for (const [slot, value] of dirty) {
      if (message.isStatic) return { gas: limit - left, failure: 'static' };
      const current = host.getStorage(message.address, slot);
      const original = host.getOriginalStorage(message.address, slot);
      const cost = BigInt(netSstoreCost(host, rules, message.address, slot, original, current, value));
      if (cost > left) return { gas: limit, failure: 'gas' };
      left -= cost;
      applyNetSstoreRefund(host, rules, original, current, value);
      host.setStorage(message.address, slot, value);
    }
    if (left === 0n && dirty.length > 0) return { gas: limit, failure: 'gas' };
    return { gas: limit - left };
  };

  // ---- calls and creates ----
  const call = (opcode: number, target: Address, input: Uint8Array, value: bigint, requested: bigint, retLen: number): number => {
    const available = gasLeft();
    const request = requested < available ? requested : available;
    const finish = (status: number, cost: bigint, output: Uint8Array): number => {
      buyGas(cost);
      p.returnData = output;
      writeU32(retLen, output.length);
      return status;
    };
    // A static context cannot send value.
    if (message.isStatic && value !== 0n) return finish(2, 0n, EMPTY_BYTES);
    let base = accessGas(target);
    if (value !== 0n) {
      base += CALL_VALUE_GAS;
      if (opcode === OPCODE_CALL && host.isEmpty(target)) base += NEW_ACCOUNT_GAS;
    }
    if (available < base) return finish(2, available, EMPTY_BYTES);
    const cap = ((available - base) * 63n) / 64n;
    let gas = request < cap ? request : cap;
    if (value !== 0n) gas += CALL_STIPEND;

    const callee = env.code.resolve(target);
    const { gas: childGas, reserve } = splitGas(gas);
    const delegate = opcode === OPCODE_DELEGATECALL;
    const { result, refusedGas } = p.runChild({
      kind: 'call',
      opcode,
      gas: childGas,
      reserve,
      caller: delegate ? message.caller : message.address,
      to: delegate ? message.address : target,
      target,
      codeAddress: callee.codeAddress,
      code: callee.code,
      codeKind: callee.codeKind,
      precompilesDisabled: callee.delegate !== undefined,
      value: delegate ? message.value : value,
      transfersValue: opcode === OPCODE_CALL,
      isStatic: opcode === OPCODE_STATICCALL || message.isStatic,
      input,
      outOffset: 0,
      outSize: 0,
    });
    if (result === undefined) return finish(2, base + gas - refusedGas, EMPTY_BYTES);
    const returned = BigInt(result.gasLeft) + (result.gasReserve ?? 0n);
    return finish(succeeded(result.status) ? 0 : 2, base + gas - returned, result.output);
  };

  const create = (code: Uint8Array, endowment: bigint, salt: bigint | undefined, addressOut: number, retLen: number): void => {
    const start = gasLeft();
    if (message.isStatic) throw new HostTrap('write protection: create in a static call');
    let base = CREATE_GAS;
    if (salt !== undefined) base += KECCAK_WORD_GAS * wordCount(code.length);
    if (start < base) throw new HostTrap('out of gas for create');
    let gas = start - base;
    const one64th = gas / 64n;
    gas -= one64th;
    guard();
    const { gas: childGas, reserve } = splitGas(gas);
    const { result, refusedGas } = p.runChild({ kind: 'create', gas: childGas, reserve, value: endowment, initcode: code, salt });
    let address: Address | undefined;
    let returned = refusedGas;
    let output: Uint8Array = EMPTY_BYTES;
    if (result !== undefined) {
      returned = BigInt(result.gasLeft) + (result.gasReserve ?? 0n);
      if (succeeded(result.status)) address = result.createdAddress;
      // Return data survives only a reverting initcode, as with CREATE in the EVM.
      else if (result.status === Status.Revert) output = result.output;
    }
    buyGas(start - returned - one64th);
    p.returnData = output;
    writeU32(retLen, output.length);
    write(addressOut, address === undefined ? new Uint8Array(20) : addressToBytes(address));
  };

  const u32 = (n: number): number => n >>> 0;

  const vmHooks = {
    read_args(dest: number): void {
      buyInk(HOSTIO);
      buyInk(writePrice(message.data.length));
      write(dest, message.data);
    },
    write_result(pointer: number, length: number): void {
      buyInk(HOSTIO);
      buyInk(2n * readPrice(u32(length)));
      p.output = read(pointer, length);
    },
    exit_early(status: number): never {
      throw new ExitEarly(status);
    },
    storage_load_bytes32(key: number, dest: number): void {
      buyInk(HOSTIO_2PTR);
      requireGas(COLD_SLOAD_GAS + BigInt(CACHE_ACCESS_GAS) + EVM_API_GAS);
      const { value, gas } = storageLoad(readWord(key));
      buyGas(gas);
      writeWord(dest, value);
    },
    storage_cache_bytes32(key: number, value: number): void {
      buyInk(HOSTIO_2PTR);
      requireGas(SSTORE_SENTRY_GAS + BigInt(CACHE_ACCESS_GAS));
      const slot = readWord(key);
      const word = readWord(value);
      buyGas(BigInt(p.cache.writeGas()));
      p.cache.write(slot, word);
    },
    storage_flush_cache(clear: number): void {
      buyInk(HOSTIO_API);
      requireGas(SSTORE_SENTRY_GAS);
      const outcome = flush(clear !== 0, gasLeft() + 1n);
      buyGas(outcome.gas);
      if (outcome.failure === 'static') throw new HostTrap('write protection: storage write in a static call');
      if (outcome.failure === 'gas') throw new OutOfInk('out of gas flushing storage');
    },
    transient_load_bytes32(key: number, dest: number): void {
      buyInk(HOSTIO_2PTR_API);
      buyGas(TRANSIENT_GAS);
      writeWord(dest, host.getTransientStorage(message.address, readWord(key)));
    },
    transient_store_bytes32(key: number, value: number): void {
      buyInk(HOSTIO_2PTR_API);
      buyGas(TRANSIENT_GAS);
      const slot = readWord(key);
      const word = readWord(value);
      if (message.isStatic) throw new HostTrap('write protection: transient store in a static call');
      guard();
      host.setTransientStorage(message.address, slot, word);
    },
    call_contract(target: number, data: number, length: number, value: number, gas: bigint, retLen: number): number {
      buyInk(HOSTIO_3PTR_API);
      buyInk(2n * readPrice(u32(length)));
      const address = readAddress(target);
      const input = read(data, length);
      return call(OPCODE_CALL, address, input, readWord(value), BigInt.asUintN(64, gas), retLen);
    },
    delegate_call_contract(target: number, data: number, length: number, gas: bigint, retLen: number): number {
      buyInk(HOSTIO_3PTR_API);
      buyInk(2n * readPrice(u32(length)));
      return call(OPCODE_DELEGATECALL, readAddress(target), read(data, length), 0n, BigInt.asUintN(64, gas), retLen);
    },
    static_call_contract(target: number, data: number, length: number, gas: bigint, retLen: number): number {
      buyInk(HOSTIO_3PTR_API);
      buyInk(2n * readPrice(u32(length)));
      return call(OPCODE_STATICCALL, readAddress(target), read(data, length), 0n, BigInt.asUintN(64, gas), retLen);
    },
    create1(code: number, length: number, endowment: number, addressOut: number, retLen: number): void {
      buyInk(HOSTIO_3PTR_API);
      buyInk(2n * readPrice(u32(length)));
      create(read(code, length), readWord(endowment), undefined, addressOut, retLen);
    },
    create2(code: number, length: number, endowment: number, salt: number, addressOut: number, retLen: number): void {
      buyInk(HOSTIO_4PTR_API);
      buyInk(2n * readPrice(u32(length)));
      const initcode = read(code, length);
      create(initcode, readWord(endowment), readWord(salt), addressOut, retLen);
    },
    read_return_data(dest: number, offset: number, size: number): number {
      buyInk(HOSTIO_API);
      const data = p.returnData;
      const start = u32(offset);
      const available = Math.max(data.length - start, 0);
      buyInk(writePrice(Math.min(u32(size), available)));
      if (available === 0) return 0;
      const slice = data.subarray(start, Math.min(start + u32(size), data.length));
      if (slice.length > 0) write(dest, slice);
      return slice.length;
    },
    return_data_size(): number {
      buyInk(HOSTIO);
      return p.returnData.length;
    },
    emit_log(data: number, length: number, topics: number): void {
      buyInk(HOSTIO_API);
      const n = u32(topics);
      const size = u32(length);
      if (n > 4 || size < n * 32) throw new HostTrap(`bad log: ${n} topics in ${size} bytes`);
      buyInk(readPrice(size));
      buyGas(LOG_TOPIC_GAS * BigInt(1 + n) + LOG_DATA_GAS * BigInt(size - n * 32));
      const bytesRead = read(data, size);
      if (message.isStatic) throw new HostTrap('write protection: log in a static call');
      const topicList: bigint[] = [];
      for (let i = 0; i < n; i++) topicList.push(bytesToBigint(bytesRead.subarray(i * 32, i * 32 + 32)));
      guard();
      const log = { address: message.address, topics: topicList, data: bytesRead.slice(n * 32) };
      host.emitLog(log);
      if (env.tracer !== undefined && env.tracer.log !== undefined) env.tracer.log(log);
    },
    account_balance(address: number, dest: number): void {
      buyInk(HOSTIO_2PTR_API);
      requireGas(COLD_ACCOUNT_GAS);
      const account = readAddress(address);
      buyGas(accessGas(account));
      writeWord(dest, host.getBalance(account));
    },
    account_code(address: number, offset: number, size: number, dest: number): number {
      buyInk(HOSTIO_API);
      requireGas(COLD_ACCOUNT_GAS);
      const account = readAddress(address);
      const cost = accessGas(account) + CODE_READ_GAS;
      buyGas(cost);
      const code = host.getCode(account);
      buyInk(writePrice(code.length));
      const start = Math.min(u32(offset), code.length);
      const slice = code.subarray(start, Math.min(start + u32(size), code.length));
      write(dest, slice);
      return slice.length;
    },
    account_code_size(address: number): number {
      buyInk(HOSTIO_API);
      requireGas(COLD_ACCOUNT_GAS);
      const account = readAddress(address);
      buyGas(accessGas(account) + CODE_READ_GAS);
      return host.getCode(account).length;
    },
    account_codehash(address: number, dest: number): void {
      buyInk(HOSTIO_2PTR_API);
      requireGas(COLD_ACCOUNT_GAS);
      const account = readAddress(address);
      buyGas(accessGas(account));
      write(dest, host.accountExists(account) ? host.getCodeHash(account) : new Uint8Array(32));
    },
    block_basefee(dest: number): void {
      buyInk(HOSTIO_PTR);
      writeWord(dest, env.block.baseFee);
    },
    block_coinbase(dest: number): void {
      buyInk(HOSTIO_PTR);
      writeAddress(dest, env.block.coinbase);
    },
    block_gas_limit(): bigint {
      buyInk(HOSTIO);
      return BigInt.asIntN(64, env.block.gasLimit);
    },
    block_number(): bigint {
      buyInk(HOSTIO);
      return BigInt.asIntN(64, env.block.number);
    },
    block_timestamp(): bigint {
      buyInk(HOSTIO);
      return BigInt.asIntN(64, env.block.timestamp);
    },
    chainid(): bigint {
      buyInk(HOSTIO);
      return BigInt.asIntN(64, env.block.chainId);
    },
    contract_address(dest: number): void {
      buyInk(HOSTIO_PTR);
      writeAddress(dest, message.address);
    },
    evm_gas_left(): bigint {
      buyInk(HOSTIO);
      return BigInt.asIntN(64, gasLeft());
    },
    evm_ink_left(): bigint {
      buyInk(HOSTIO);
      return BigInt.asIntN(64, p.ink.value);
    },
    math_div(a: number, b: number): void {
      buyInk(MATH_DIV_INK);
      const divisor = readRepeatedWord(b);
      writeWord(a, divisor === 0n ? 0n : readWord(a) / divisor);
    },
    math_mod(a: number, b: number): void {
      buyInk(MATH_DIV_INK);
      const modulus = readRepeatedWord(b);
      writeWord(a, modulus === 0n ? 0n : readWord(a) % modulus);
    },
    math_pow(a: number, e: number): void {
      buyInk(HOSTIO_3PTR);
      const exponentBytes = read(e, 32);
      buyInk(powPrice(exponentBytes));
      writeWord(a, modPow(readWord(a), bytesToBigint(exponentBytes)));
    },
    math_add_mod(a: number, b: number, m: number): void {
      buyInk(MATH_ADD_MOD_INK);
      const modulus = readRepeatedWord(m);
      writeWord(a, modulus === 0n ? 0n : (readWord(a) + readWord(b)) % modulus);
    },
    math_mul_mod(a: number, b: number, m: number): void {
      buyInk(MATH_MUL_MOD_INK);
      const modulus = readRepeatedWord(m);
      writeWord(a, modulus === 0n ? 0n : product(a, b) % modulus);
    },
    msg_reentrant(): number {
      buyInk(HOSTIO);
      return p.reentrant ? 1 : 0;
    },
    msg_sender(dest: number): void {
      buyInk(HOSTIO_PTR);
      writeAddress(dest, message.caller);
    },
    msg_value(dest: number): void {
      buyInk(HOSTIO_PTR);
      writeWord(dest, message.value);
    },
    native_keccak256(pointer: number, length: number, dest: number): void {
      buyInk(keccakPrice(u32(length)));
      write(dest, keccak256(read(pointer, length)));
    },
    tx_gas_price(dest: number): void {
      buyInk(HOSTIO_PTR);
      writeWord(dest, env.tx.gasPrice);
    },
    tx_ink_price(): number {
      buyInk(HOSTIO);
      return INK_PER_GAS;
    },
    tx_origin(dest: number): void {
      buyInk(HOSTIO_PTR);
      writeAddress(dest, env.tx.origin);
    },
    pay_for_memory_grow(pages: number): void {
      const n = pages & 0xffff;
      if (n === 0) {
        buyInk(HOSTIO);
        return;
      }
      const cost = openPages(p.pages, n);
      if (cost > U64_MAX / PRICE) {
        p.ink.value = 0n;
        p.inkStatus.value = 1;
        throw new OutOfInk('memory growth beyond what gas can pay');
      }
      buyGas(cost);
    },
  };

  // Debugging output: free, and without effect on the chain.
  const print = env.print ?? (() => {});
  const text = (pointer: number, length: number): string => new TextDecoder().decode(read(pointer, length));
  const console = {
    log_txt: (pointer: number, length: number) => print(text(pointer, length)),
    log_i32: (value: number) => print(String(value)),
    log_i64: (value: bigint) => print(String(value)),
    log_f32: (value: number) => print(String(value)),
    log_f64: (value: number) => print(String(value)),
    tee_i32: (value: number) => (print(String(value)), value),
    tee_i64: (value: bigint) => (print(String(value)), value),
    tee_f32: (value: number) => (print(String(value)), value),
    tee_f64: (value: number) => (print(String(value)), value),
  };
  const debug = { null_host: () => {}, start_benchmark: () => {}, end_benchmark: () => {} };
  const tracer = env.tracer;
  const hooks = tracer?.hostCall ? traced(vmHooks, p, tracer.hostCall.bind(tracer)) : vmHooks;
  return { vm_hooks: hooks, console, debug };
}

type HostFunction = (...args: never[]) => unknown;

/** The host functions wrapped to report each call, its arguments, result and ink, to a tracer. */
function traced(
  functions: Record<string, HostFunction>,
  p: ProgramHost,
  report: (frame: TracedFrame, call: HostCall) => void,
): Record<string, HostFunction> {
  const frame: TracedFrame = { message: p.message, pc: 0, gas: 0 };
  const wrapped: Record<string, HostFunction> = {};
  for (const [name, fn] of Object.entries(functions)) {
    wrapped[name] = (...args: never[]) => {
      const inkBefore = p.ink.value;
      const call = (extra: Partial<HostCall>) => {
        frame.gas = Number(p.ink.value / PRICE);
        report(frame, { name, args: args as readonly (number | bigint)[], inkBefore, inkAfter: p.ink.value, ...extra });
      };
      let result: unknown;
      try {
        result = fn(...args);
      } catch (error) {
        call({
          error: error instanceof ExitEarly ? `exit_early(${error.status})` : error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
      call(result === undefined ? {} : { result: result as number | bigint });
      return result;
    };
  }
  return wrapped;
}

/** a^e mod 2^256 by squaring. */
function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % U256_MOD;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % U256_MOD;
    b = (b * b) % U256_MOD;
    e >>= 1n;
  }
  return result;
}
