/**
 * Creates: CREATE and CREATE2 of initcode that deploys code (empty, random, 0xEF-prefixed, at and
 * over the EIP-170 limit), reverts, halts, self-destructs, writes storage or creates again; with
 * value, with repeated salts (collisions), over the EIP-3860 initcode limit, and at addresses
 * where an account already lives (a balance is fine; a nonce, code or storage is a collision).
 */
import { create2Address, createAddress } from '../../../dist/primitives/address.js';
import { EMPTY_BYTES } from '../../../dist/primitives/bytes.js';
import { keccak256 } from '../../../dist/primitives/hash.js';
import type { AccountState } from '../../peer/types.js';
import { account, CONTRACT_A, CONTRACT_B } from '../case.js';
import { O } from '../opcodes.js';
import { calleeProgram } from './callee.js';
import { ProgramWriter, address, forkAtLeast, type GenContext } from './program.js';
import { writeRandomOps } from './random-ops.js';
import { contract, mstore, writeBurnLoop, writeCall, type Scenario } from './scenario.js';

const INITCODE_KINDS = [
  'deploy',
  'deploy',
  'deploy',
  'oversize',
  'ef',
  'revert',
  'invalid',
  'loop',
  'selfdestruct',
  'sstore',
  'sstore',
  'nested',
  'random',
  'call-creator',
] as const;
type InitcodeKind = (typeof INITCODE_KINDS)[number];

function runtimeCode(ctx: GenContext): Uint8Array {
  const rng = ctx.rng;
  return rng.weighted<() => Uint8Array>([
    [30, () => calleeProgram(ctx)],
    [20, () => rng.bytes(rng.int(40))],
    [10, () => EMPTY_BYTES],
    [10, () => Uint8Array.of(0xef, ...rng.bytes(rng.int(4)))],
    [5, () => Uint8Array.of(0xef, 0x01, 0x00, ...rng.bytes(20))],
    [5, () => Uint8Array.of(0xfe)],
  ])();
}

export function initcode(ctx: GenContext, kind: InitcodeKind): Uint8Array {
  const rng = ctx.rng;
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  switch (kind) {
    case 'deploy': {
      const runtime = runtimeCode(ctx);
      w.copyToMemory(runtime, 0);
      w.push(runtime.length);
      w.push(0);
      a.op(O.RETURN!);
      break;
    }
    case 'oversize':
      // EIP-170: 24576 bytes is the most a contract may hold.
      w.push(rng.pick([24576, 24577, 24575, 0x10000]));
      w.push(0);
      a.op(O.RETURN!);
      break;
    case 'ef':
      w.push(rng.pick([0xef, 0xef, 0xfe, 0x00]));
      w.push(rng.pick([0, 0, 1]));
      a.op(O.MSTORE8!);
      w.push(rng.range(1, 3));
      w.push(0);
      a.op(O.RETURN!);
      break;
    case 'revert':
      mstore(w, 0, rng.bigint(256));
      w.push(rng.int(64));
      w.push(0);
      a.op(O.REVERT!);
      break;
    case 'invalid':
      a.op(O.INVALID!);
      break;
    case 'loop':
      writeBurnLoop(w);
      break;
    case 'selfdestruct':
      if (rng.chance(0.5)) {
        w.push(rng.int(3));
        w.push(rng.int(3));
        a.op(O.SSTORE!);
      }
      w.push(rng.chance(0.3) ? 0n : address(ctx));
      if (rng.chance(0.3)) a.op(O.POP!, O.ADDRESS!);
      a.op(O.SELFDESTRUCT!);
      break;
    case 'sstore': {
      for (let i = rng.range(1, 3); i > 0; i--) {
        w.push(rng.pick([0n, 1n, rng.bigint(256)]));
        w.push(rng.int(3));
        a.op(O.SSTORE!);
      }
      const runtime = runtimeCode(ctx);
      w.copyToMemory(runtime, 0);
      w.push(runtime.length);
      w.push(0);
      a.op(rng.chance(0.8) ? O.RETURN! : O.REVERT!);
      break;
    }
    case 'nested': {
      const inner = initcode(ctx, rng.pick(['deploy', 'revert', 'selfdestruct', 'sstore'] as const));
      w.copyToMemory(inner, 0);
      w.push(inner.length);
      w.push(0);
      w.push(rng.chance(0.7) ? 0 : 1);
      a.op(O.CREATE!);
      w.push(0);
      a.op(O.SSTORE!);
      break;
    }
    case 'random':
      writeRandomOps(w, rng.range(3, 40));
      break;
    case 'call-creator':
      writeCall(w, rng.pick([O.CALL!, O.STATICCALL!]), () => a.op(O.CALLER!));
      w.record(0);
      break;
  }
  return w.finish();
}

export function createsScenario(ctx: GenContext): Scenario {
  const rng = ctx.rng;
  const kind = rng.pick(INITCODE_KINDS);
  const init = initcode(ctx, kind);
  const w = new ProgramWriter(ctx);
  const a = w.asm;
  const extra: [string, AccountState][] = [];
  const aNonce = rng.chance(0.9) ? 1n : BigInt(rng.int(4));
  const memOffset = rng.chance(0.8) ? 0n : BigInt(rng.int(200));
  if (rng.chance(0.2)) writeRandomOps(w, rng.range(1, 5));
  w.copyToMemory(init, memOffset);
  const salts = [0n, 1n, rng.bigint(256)];
  const creates = rng.range(1, 3);
  const variants: string[] = [];
  let nonce = aNonce;
  for (let i = 0; i < creates; i++) {
    const useCreate2 = forkAtLeast(ctx.fork, 'Constantinople') && rng.chance(0.5);
    const salt = rng.pick(salts);
    let length = BigInt(init.length);
    if (rng.chance(0.08)) length = rng.pick([49152n, 49153n, 0n, length + 1n]); // EIP-3860 limit
    const value = rng.weighted([
      [70, 0n],
      [20, BigInt(rng.int(1000))],
      [10, 10n ** 30n],
    ]);
    // Sometimes an account already lives where the create will land.
    if (i === 0 && rng.chance(0.15) && length === BigInt(init.length)) {
      const target = useCreate2 ? create2Address(CONTRACT_A, salt, keccak256(init)) : createAddress(CONTRACT_A, nonce);
      extra.push([
        target,
        rng.pick([
          account({ balance: 12345n }),
          account({ nonce: 1n }),
          account({ code: Uint8Array.of(0x00) }),
          account({ storage: new Map([[0n, 1n]]) }),
        ]),
      ]);
    }
    if (useCreate2) w.push(salt);
    w.push(length);
    w.push(memOffset);
    w.push(value);
    a.op(useCreate2 ? O.CREATE2! : O.CREATE!);
    variants.push(useCreate2 ? 'create2' : 'create');
    nonce++;
    a.op(O.DUP1!);
    w.record(i);
    a.op(O.RETURNDATASIZE!);
    w.record(4 + i);
    // Use what was created: call it, measure it, hash it.
    rng.weighted<() => void>([
      [
        30,
        () => {
          const opcode = rng.pick([O.CALL!, O.STATICCALL!, O.DELEGATECALL!]);
          // The address sits under the four or five arguments pushed before the target.
          writeCall(w, opcode, () => a.op(O.DUP1! + (opcode === O.CALL ? 5 : 4)));
          w.record(12 + i);
        },
      ],
      [
        20,
        () => {
          a.op(O.DUP1!, O.EXTCODESIZE!);
          w.record(16 + i);
        },
      ],
      [
        20,
        () => {
          if (!forkAtLeast(ctx.fork, 'Constantinople')) return;
          a.op(O.DUP1!, O.EXTCODEHASH!);
          w.record(20 + i);
        },
      ],
      [30, () => undefined],
    ])();
    a.op(O.POP!);
  }
  if (rng.chance(0.3)) {
    a.op(O.RETURNDATASIZE!);
    w.push(0);
    w.push(0);
    a.op(O.RETURNDATACOPY!);
    a.op(O.RETURNDATASIZE!);
    w.push(0);
    a.op(O.RETURN!);
  }
  const aAccount = contract(ctx, w.finish());
  aAccount.nonce = aNonce;
  return {
    name: `creates/${kind}/${variants.join('+')}`,
    accounts: [[CONTRACT_A, aAccount], [CONTRACT_B, contract(ctx, calleeProgram(ctx))], ...extra],
  };
}
