/**
 * The AssemblyScript SDK (sdk/assemblyscript) through `buildAssemblyScript`: its example compiles
 * to a module Stylus accepts, and a probe contract written here exercises the SDK on a node with
 * viem: ABI decoding and encoding of every supported type, checked U256 arithmetic with Solidity's
 * panics, Solidity's storage layout for mappings and long strings, calls out (with the cache
 * flushed first), the call's context, Error(string) reverts and AssemblyScript's abort.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  getContractAddress,
  keccak256,
  pad,
  parseAbi,
  parseEventLogs,
  toFunctionSelector,
  toHex,
  type AbiFunction,
  type AbiItem,
  type Address,
  type Hex,
} from 'viem';
import { foundry } from 'viem/chains';
import { buildAssemblyScript, AssemblyScriptError, finishModule } from './assemblyscript.js';
import { activateProgram } from '../wasm/activate.js';
import { decodeBody, describeCode, OPCODES, parseModule, SectionId } from '../wasm/binary.js';
import { compressProgram } from '../wasm/compress.js';
import { deployCode } from '../wasm/format.js';
import { bytesToHex } from '../primitives/bytes.js';
import { createNode } from '../node/node.js';

const root = resolve(import.meta.dirname, '../..');
const COUNTER = join(root, 'sdk/assemblyscript/examples/counter.ts');
const node = createNode({ wasm: true });
after(() => node.close());
const transport = custom(node);
const client = createPublicClient({ chain: foundry, transport, pollingInterval: 10 });
const DEPLOYER = getAddress(node.accounts[0]!.address);
const wallet = createWalletClient({ chain: foundry, transport, account: DEPLOYER });

/** Deploys a module with an ordinary create transaction; returns the program's address. */
async function deploy(wasm: Uint8Array): Promise<Address> {
  const hash = await wallet.sendTransaction({ data: bytesToHex(deployCode(compressProgram(wasm))) as Hex });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, 'success', 'deploy');
  return getAddress(receipt.contractAddress!);
}

/** Builds AssemblyScript source written to a temporary folder. */
async function buildSource(source: string) {
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-as-'));
  const file = join(dir, 'contract.ts');
  writeFileSync(file, source);
  return buildAssemblyScript(file, { text: true });
}

/** The revert of a failed viem call or write, decoded against its ABI. */
async function revertOf(promise: Promise<unknown>): Promise<ContractFunctionRevertedError> {
  try {
    await promise;
  } catch (e) {
    const reverted = (e as BaseError).walk((x) => x instanceof ContractFunctionRevertedError);
    assert.ok(reverted instanceof ContractFunctionRevertedError, String(e));
    return reverted;
  }
  assert.fail('expected a revert');
}

/** The counter example, built once for the tests that use it. */
let counterBuild: ReturnType<typeof buildAssemblyScript> | undefined;
const counter = () => (counterBuild ??= buildAssemblyScript(COUNTER, { text: true }));

test("the SDK's example builds to a module Stylus accepts: vm_hooks only, no start, no data count, one segment, no floats", async () => {
  const build = await counter();
  assert.deepEqual(build.warnings, []);
  const program = activateProgram(build.wasm);
  assert.ok(program.activationGas > 0);
  assert.ok(program.imports.every((i) => i.module === 'vm_hooks'));
  assert.ok(program.imports.some((i) => i.name === 'pay_for_memory_grow'));
  const m = parseModule(build.wasm);
  assert.equal(m.start, undefined);
  assert.ok(!m.sections.some((s) => s.id === SectionId.dataCount));
  assert.equal(m.datas.length, 1);
  assert.deepEqual(
    m.exports.map((e) => e.name),
    ['memory', 'user_entrypoint'],
  );
  const floats = m.codes
    .flatMap((code) => decodeBody(m, code))
    .map((op) => OPCODES.get(op.code)?.name ?? describeCode(op.code))
    .filter((name) => /^f(32|64)\./.test(name));
  assert.deepEqual(floats, []);
  // asc's own output had what finishModule removes.
  assert.match(build.text!, /\(data \$\S+ \(i32.const \d+\)[\s\S]*\(data \$/);
  assert.equal(finishModule(build.wasm).length, build.wasm.length, 'finishing is idempotent');
});

test('the counter example runs: storage, an event with an indexed address, a custom error', async () => {
  const address = await deploy((await counter()).wasm);
  const abi = parseAbi([
    'function count() view returns (uint256)',
    'function increment(uint256 by) returns (uint256)',
    'event Incremented(address indexed by, uint256 count)',
    'error TooMuch(uint256 by)',
  ]);
  const hash = await wallet.writeContract({ address, abi, functionName: 'increment', args: [5n] });
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.logs.length, 1);
  assert.equal(receipt.logs[0]!.topics[0], keccak256(new TextEncoder().encode('Incremented(address,uint256)')));
  assert.equal(receipt.logs[0]!.topics[1], '0x' + DEPLOYER.slice(2).toLowerCase().padStart(64, '0'));
  await wallet.writeContract({ address, abi, functionName: 'increment', args: [7n] });
  assert.equal(await client.readContract({ address, abi, functionName: 'count' }), 12n);
  const tooMuch = await revertOf(client.simulateContract({ address, abi, functionName: 'increment', args: [1001n], account: DEPLOYER }));
  assert.equal(tooMuch.data?.errorName, 'TooMuch');
  assert.deepEqual(tooMuch.data?.args, [1001n]);
});

const PROBE_ABI = parseAbi([
  'function echo(uint256[] a, string s, bytes b, address[] addrs, bool f, string[] ss, bytes32 w, uint64 n) pure returns (uint256[], string, bytes, address[], bool, string[], bytes32, uint64)',
  'function math(uint256 a, uint256 b) pure returns (uint256 sum, uint256 diff, uint256 prod, uint256 quot, uint256 rem, uint256 shifted)',
  'function setName(string s)',
  'function name() view returns (string)',
  'function setAllowance(address owner, address spender, uint256 value)',
  'function setNameAndRead(address self, string s) returns (string)',
  'function context() view returns (address sender, address origin, uint256 chain, uint256 number, address self, uint256 value)',
  'function fail(string why) pure',
  'function outOfBounds(uint256 i) pure returns (uint256)',
  'function convert(string hex, string dec) pure returns (uint256 fromHex, uint256 fromDec, string decimal, string hexOut, address addr, string addrHex)',
  'function staticName(address self) view returns (string)',
  'function callFail(address self) returns (string)',
  'function emitAll(uint256 v, bool b, bytes32 t, string s)',
  'function deploy(bytes code, uint256 salt, bool useCreate2) returns (address)',
  'event Probe(uint256 indexed v, bool indexed b, bytes32 indexed t, string s)',
]);

const sel = (name: string) =>
  toFunctionSelector((PROBE_ABI as readonly AbiItem[]).find((f) => f.type === 'function' && f.name === name) as AbiFunction);

const PROBE = `
import {
  AbiReader, AbiWriter, Address, Event, Slot, U256, call, create, create2, staticCall, dispatch, encodeString, msg, block, tx, contract, noOutput, revert, unknownSelector,
} from 'polyvm/sdk/assemblyscript';

export function user_entrypoint(len: i32): i32 {
  return dispatch(len, (selector: u32, args: AbiReader): Uint8Array => {
    if (selector == ${sel('echo')}) {
      const a = args.u256Array();
      const s = args.string();
      const b = args.bytes();
      const addrs = args.addressArray();
      const f = args.bool();
      const ss = args.stringArray();
      const w = args.bytes32();
      const n = args.uint64();
      return new AbiWriter().u256Array(a).string(s).bytes(b).addressArray(addrs).bool(f).stringArray(ss).bytes32(w).uint64(n).encode();
    }
    if (selector == ${sel('math')}) {
      const a = args.u256();
      const b = args.u256();
      return new AbiWriter().u256(a.add(b)).u256(a.sub(b)).u256(a.mul(b)).u256(a.div(b)).u256(a.mod(b)).u256(a.shl(3).shr(1)).encode();
    }
    if (selector == ${sel('setName')}) {
      Slot.at(3).setString(args.string());
      return noOutput();
    }
    if (selector == ${sel('name')}) return encodeString(Slot.at(3).getString());
    if (selector == ${sel('setAllowance')}) {
      const owner = args.address();
      const spender = args.address();
      Slot.at(1).mapAddress(owner).mapAddress(spender).set(args.u256());
      return noOutput();
    }
    if (selector == ${sel('setNameAndRead')}) {
      const self = args.address();
      Slot.at(3).setString(args.string());
      // The callee is this contract: it sees the name only if the cache was flushed before the call.
      const result = call(self, new AbiWriter().encodeWithSelector(${sel('name')}));
      return encodeString(result.reader().string());
    }
    if (selector == ${sel('context')}) {
      return new AbiWriter()
        .address(msg.sender()).address(tx.origin()).uint64(block.chainId()).uint64(block.number()).address(contract.address()).u256(msg.value())
        .encode();
    }
    if (selector == ${sel('fail')}) {
      revert(args.string());
      return noOutput();
    }
    if (selector == ${sel('outOfBounds')}) {
      const items = new Array<U256>(2);
      items[0] = U256.one();
      items[1] = U256.one();
      return items[<i32>args.uint64()].toBytes();
    }
    if (selector == ${sel('convert')}) {
      const h = U256.fromHex(args.string());
      const d = U256.fromDecimal(args.string());
      const a = Address.fromHex('0x000000000000000000000000000000000000dEaD');
      return new AbiWriter().u256(h).u256(d).string(d.toString()).string(h.toHex()).address(a).string(a.toHex()).encode();
    }
    if (selector == ${sel('staticName')}) {
      const result = staticCall(args.address(), new AbiWriter().encodeWithSelector(${sel('name')}));
      return encodeString(new AbiReader(result.unwrap()).string());
    }
    if (selector == ${sel('callFail')}) {
      // A failed call's revert data bubbles up through unwrap().
      call(args.address(), new AbiWriter().string('from the callee').encodeWithSelector(${sel('fail')})).unwrap();
      return noOutput();
    }
    if (selector == ${sel('deploy')}) {
      const code = args.bytes();
      const salt = args.u256();
      const created = args.bool() ? create2(code, salt) : create(code);
      const at = created.address;
      return at === null ? new AbiWriter().address(Address.zero()).encode() : new AbiWriter().address(at).encode();
    }
    if (selector == ${sel('emitAll')}) {
      const v = args.u256();
      const b = args.bool();
      const t = args.bytes32();
      const text = args.string();
      new Event('Probe(uint256,bool,bytes32,string)').u256(v).bool(b).topic(t).data(new AbiWriter().string(text)).emit();
      Event.withTopic0(null).topic(t).data(new AbiWriter().u256(v)).emit(); // anonymous: LOG1
      return noOutput();
    }
    return unknownSelector();
  });
}
`;

let probeAddress: Promise<Address> | undefined;
const probe = () => (probeAddress ??= buildSource(PROBE).then((build) => deploy(build.wasm)));

test('probe: every ABI type decodes and encodes as Solidity does', async () => {
  const address = await probe();
  const args = [
    [0n, 1n, 2n ** 256n - 1n],
    'héllo, wörld: a string longer than one word, in UTF-8 ✓',
    '0x00010203fffe',
    ['0x000000000000000000000000000000000000dEaD', DEPLOYER],
    true,
    ['', 'a', 'x'.repeat(40)],
    keccak256('0x01'),
    2n ** 64n - 1n,
  ] as const;
  const result = await client.readContract({ address, abi: PROBE_ABI, functionName: 'echo', args });
  assert.deepEqual(result, args);
  const empty = [[], '', '0x', [], false, [], ('0x' + '00'.repeat(32)) as Hex, 0n] as const;
  assert.deepEqual(await client.readContract({ address, abi: PROBE_ABI, functionName: 'echo', args: empty }), empty);
});

test('probe: malformed calldata reverts with empty data, as a Solidity contract does', async () => {
  const address = await probe();
  // a missing argument, an address with its upper bytes set, calldata shorter than a selector
  for (const data of [sel('math') + '00'.repeat(32), sel('setAllowance') + 'ff'.repeat(32) + '00'.repeat(64), '0x12']) {
    await assert.rejects(client.call({ to: address, data: data as Hex }), (e: BaseError) => /reverted/.test(e.message));
  }
});

test('probe: U256 arithmetic is checked, with Panic(0x11) and Panic(0x12) as in Solidity', async () => {
  const address = await probe();
  const a = 2n ** 200n + 12345n;
  const b = 2n ** 55n + 3n;
  const r = await client.readContract({ address, abi: PROBE_ABI, functionName: 'math', args: [a, b] });
  assert.deepEqual(r, [a + b, a - b, a * b, a / b, a % b, ((a << 3n) % 2n ** 256n) >> 1n]);
  const small = await client.readContract({ address, abi: PROBE_ABI, functionName: 'math', args: [100n, 7n] });
  assert.deepEqual(small, [107n, 93n, 700n, 14n, 2n, 400n]);
  for (const [x, y, code] of [
    [2n ** 256n - 1n, 1n, 0x11n], // add overflows
    [1n, 2n, 0x11n], // sub underflows
    [5n, 0n, 0x12n], // div by zero
  ] as const) {
    const e = await revertOf(client.readContract({ address, abi: PROBE_ABI, functionName: 'math', args: [x, y] }));
    assert.equal(e.data?.errorName, 'Panic', `${x} ${y}`);
    assert.deepEqual(e.data?.args, [code]);
  }
  const mulOverflow = await revertOf(
    client.readContract({ address, abi: PROBE_ABI, functionName: 'math', args: [2n ** 200n, 2n ** 100n] }),
  );
  assert.deepEqual(mulOverflow.data?.args, [0x11n]);
});

test('probe: storage is laid out as Solidity lays it out: nested mappings, short and long strings', async () => {
  const address = await probe();
  const owner = DEPLOYER;
  const spender = '0x000000000000000000000000000000000000bEEF' as Address;
  await client.waitForTransactionReceipt({
    hash: await wallet.writeContract({ address, abi: PROBE_ABI, functionName: 'setAllowance', args: [owner, spender, 77n] }),
  });
  const word = (n: bigint | Address) => (typeof n === 'bigint' ? n.toString(16) : n.slice(2).toLowerCase()).padStart(64, '0');
  const inner = keccak256(`0x${word(owner)}${word(1n)}`);
  const slot = keccak256(`0x${word(spender)}${inner.slice(2)}`);
  assert.equal(BigInt((await client.getStorageAt({ address, slot }))!), 77n);

  for (const name of ['short', 'a name of more than thirty-one bytes, kept in three words of storage']) {
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address, abi: PROBE_ABI, functionName: 'setName', args: [name] }),
    });
    assert.equal(await client.readContract({ address, abi: PROBE_ABI, functionName: 'name' }), name);
    const bytes = new TextEncoder().encode(name);
    const head = BigInt((await client.getStorageAt({ address, slot: `0x${word(3n)}` }))!);
    if (bytes.length < 32) {
      assert.equal(head & 0xffn, BigInt(bytes.length * 2));
      assert.equal((head >> 8n) >> BigInt((31 - bytes.length) * 8), BigInt(bytesToHex(bytes)));
    } else {
      assert.equal(head, BigInt(bytes.length * 2 + 1));
      const first = BigInt(keccak256(`0x${word(3n)}`));
      const data = await client.getStorageAt({ address, slot: `0x${word(first)}` });
      assert.equal(data, bytesToHex(bytes.subarray(0, 32)));
    }
  }
});

test("probe: a call out sees this contract's writes (the cache is flushed first) and returns data", async () => {
  const address = await probe();
  const name = 'written, then read back through a call to this contract';
  const { result } = await client.simulateContract({
    address,
    abi: PROBE_ABI,
    functionName: 'setNameAndRead',
    args: [address, name],
    account: DEPLOYER,
  });
  assert.equal(result, name);
});

test('probe: msg, tx, block and contract context', async () => {
  const address = await probe();
  const caller = getAddress(node.accounts[1]!.address);
  const latest = await client.getBlockNumber();
  const [sender, origin, chain, number, self, value] = await client.readContract({
    address,
    abi: PROBE_ABI,
    functionName: 'context',
    account: caller,
    blockNumber: latest,
  });
  assert.equal(sender, caller);
  assert.equal(origin, caller);
  assert.equal(chain, 31337n);
  assert.equal(number, latest);
  assert.equal(self, address);
  assert.equal(value, 0n);
});

test("probe: revert(message) is Solidity's Error(string); AssemblyScript's abort reverts with its message", async () => {
  const address = await probe();
  const failed = await revertOf(client.readContract({ address, abi: PROBE_ABI, functionName: 'fail', args: ['no, because'] }));
  assert.equal(failed.reason, 'no, because');
  assert.equal(failed.data?.errorName, 'Error');
  assert.equal(await client.readContract({ address, abi: PROBE_ABI, functionName: 'outOfBounds', args: [1n] }), 1n);
  const bounds = await revertOf(client.readContract({ address, abi: PROBE_ABI, functionName: 'outOfBounds', args: [2n] }));
  assert.match(bounds.reason ?? '', /^Index out of range \(~lib\/array\.ts:\d+:\d+\)$/);
});

test('probe: U256 and Address from and to hex and decimal text', async () => {
  const address = await probe();
  const big = 2n ** 256n - 2n;
  const r = await client.readContract({ address, abi: PROBE_ABI, functionName: 'convert', args: ['0xABCdef0123', big.toString()] });
  assert.deepEqual(r, [
    0xabcdef0123n,
    big,
    big.toString(),
    '0x' + 'abcdef0123'.padStart(64, '0'),
    '0x000000000000000000000000000000000000dEaD',
    '0x000000000000000000000000000000000000dead',
  ]);
  const tooBig = await revertOf(
    client.readContract({ address, abi: PROBE_ABI, functionName: 'convert', args: ['0x1', (2n ** 256n).toString()] }),
  );
  assert.deepEqual(tooBig.data?.args, [0x11n]);
  const notHex = await revertOf(client.readContract({ address, abi: PROBE_ABI, functionName: 'convert', args: ['0x1g', '1'] }));
  assert.match(notHex.reason ?? '', /^not a hex digit \(/);
});

test('probe: a static call returns data; a failed call bubbles its revert data up through unwrap()', async () => {
  const address = await probe();
  const name = await client.readContract({ address, abi: PROBE_ABI, functionName: 'name' });
  assert.equal(await client.readContract({ address, abi: PROBE_ABI, functionName: 'staticName', args: [address] }), name);
  const bubbled = await revertOf(
    client.simulateContract({ address, abi: PROBE_ABI, functionName: 'callFail', args: [address], account: DEPLOYER }),
  );
  assert.equal(bubbled.reason, 'from the callee');
});

test('probe: events with indexed uint256, bool and bytes32 topics, and an anonymous event', async () => {
  const address = await probe();
  const t = keccak256('0x1234');
  const hash = await wallet.writeContract({ address, abi: PROBE_ABI, functionName: 'emitAll', args: [2n ** 255n + 9n, true, t, 'data'] });
  const { logs } = await client.waitForTransactionReceipt({ hash });
  assert.equal(logs.length, 2);
  const [named] = parseEventLogs({ abi: PROBE_ABI, logs: [logs[0]!] });
  assert.deepEqual(named!.args, { v: 2n ** 255n + 9n, b: true, t, s: 'data' });
  assert.deepEqual(logs[1]!.topics, [t]);
  assert.equal(BigInt(logs[1]!.data), 2n ** 255n + 9n);
});

test('probe: create and create2 deploy at the addresses the EVM gives; a failed create gives null', async () => {
  const address = await probe();
  // Init code that returns the one-byte runtime code 0x2a: PUSH1 0x2a PUSH1 0 MSTORE8 PUSH1 1 PUSH1 0 RETURN.
  const code = '0x602a60005360016000f3' as Hex;
  const salt = 7n;
  const nonce = BigInt(await client.getTransactionCount({ address }));
  const viaCreate = await client.simulateContract({
    address,
    abi: PROBE_ABI,
    functionName: 'deploy',
    args: [code, 0n, false],
    account: DEPLOYER,
  });
  assert.equal(viaCreate.result, getContractAddress({ from: address, nonce }));
  const hash = await wallet.writeContract({ address, abi: PROBE_ABI, functionName: 'deploy', args: [code, salt, true] });
  await client.waitForTransactionReceipt({ hash });
  const at = getContractAddress({ from: address, opcode: 'CREATE2', salt: pad(toHex(salt)), bytecode: code });
  assert.equal(await client.getCode({ address: at }), '0x2a');
  const failed = await client.simulateContract({
    address,
    abi: PROBE_ABI,
    functionName: 'deploy',
    args: ['0xfe', 0n, false],
    account: DEPLOYER,
  });
  assert.equal(failed.result, '0x0000000000000000000000000000000000000000');
});

test('a contract that does not compile: errors as FILE:LINE:COLUMN, in AssemblyScriptError', async () => {
  await assert.rejects(
    buildSource(
      `import { U256 } from 'polyvm/sdk/assemblyscript';\nexport function user_entrypoint(len: i32): i32 {\n  const x: U256 = len;\n  return 0;\n}\n`,
    ),
    (e: unknown) => e instanceof AssemblyScriptError && /contract\.ts:3:\d+: error AS\d+: Type 'i32' is not assignable/.test(e.message),
  );
  await assert.rejects(
    buildSource(`export function user_entrypoint(len: i32): i32 {\n  return len;\n}\n`),
    (e: unknown) => e instanceof AssemblyScriptError && /import the SDK/.test(e.message),
  );
});
