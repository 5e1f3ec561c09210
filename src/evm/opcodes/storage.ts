/** SLOAD and SSTORE with their gas across forks (Frontier, EIP-1283, EIP-2200, EIP-2929, EIP-3529). */
import { totalGas, type Frame } from '../frame.js';
import { useGas } from '../memory.js';
import { Status } from '../../host/status.js';
import { writeProtected } from './helpers.js';
import type { OpcodeDeclaration } from './types.js';
import type { Host } from '../../host/index.js';
import type { Rules } from '../../forks/index.js';
import type { Address } from '../../primitives/address.js';

export const storageOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x54,
    name: 'SLOAD',
    inputs: 1,
    outputs: 1,
    gas: (r) => r.gasSload,
    since: 'Frontier',
    handler: (f) => {
      const slot = f.stack[f.sp - 1]!;
      const host = f.env.host;
      const rules = f.env.rules;
      if (rules.berlin) {
        const cost = host.warmSlot(f.message.address, slot) ? rules.gasColdSload : rules.gasWarmAccess;
        if (!useGas(f, cost)) return;
      }
      f.stack[f.sp - 1] = host.getStorage(f.message.address, slot);
    },
  },
  {
    code: 0x55,
    name: 'SSTORE',
    inputs: 2,
    outputs: 0,
    gas: 0,
    since: 'Frontier',
    observesGas: true,
    handler: sstore,
  },
];

function sstore(f: Frame): void {
  const slot = f.stack[--f.sp]!;
  const value = f.stack[--f.sp]!;
  const rules = f.env.rules;
  const host = f.env.host;
  const address = f.message.address;
  if (writeProtected(f)) return;
  const current = host.getStorage(address, slot);

  if (!rules.istanbul && !rules.eip1283) {
    // Before net metering (Frontier to Petersburg but Constantinople): a set, or any other write; clearing refunds.
    if (!useGas(f, current === 0n && value !== 0n ? rules.gasSstoreSet : rules.gasSstoreReset)) return;
    if (current !== 0n && value === 0n) host.addRefund(rules.sstoreClearsScheduleRefund);
    host.setStorage(address, slot, value);
    return;
  }

  // EIP-2200: no SSTORE with the call stipend or less left.
  const sentry = rules.gasSstoreSentry;
  if (rules.istanbul && f.gas <= sentry && totalGas(f) <= BigInt(sentry)) {
    f.status = Status.OutOfGas;
    return;
  }
  const original = host.getOriginalStorage(address, slot);
  if (!useGas(f, netSstoreCost(host, rules, address, slot, original, current, value))) return;
  applyNetSstoreRefund(host, rules, original, current, value);
  host.setStorage(address, slot, value);
}

/**
 * The gas of a net-metered SSTORE (EIP-1283, EIP-2200, with EIP-2929's cold surcharge): warms the
 * slot. Shared by every VM that writes storage (Stylus's storage flush prices each slot so).
 */
export function netSstoreCost(
  host: Host,
  rules: Rules,
  address: Address,
  slot: bigint,
  original: bigint,
  current: bigint,
  value: bigint,
): number {
  let cost = 0;
  if (rules.berlin && host.warmSlot(address, slot)) cost += rules.gasColdSload;
  // A no-op or a dirty slot: 200 (EIP-1283), the SLOAD cost (EIP-2200), a warm read (EIP-2929).
  const noopCost = rules.gasSstoreNoop;
  // EIP-2929: a reset costs 5000 less the cold surcharge, which is charged apart above (0 before Berlin).
  const resetCost = rules.gasSstoreReset - rules.gasColdSload;
  if (original === current && current !== value) cost += original === 0n ? rules.gasSstoreSet : resetCost;
  else cost += noopCost;
  return cost;
}

/** The refund changes of a net-metered SSTORE once its gas is paid (EIP-2200, EIP-3529). */
export function applyNetSstoreRefund(host: Host, rules: Rules, original: bigint, current: bigint, value: bigint): void {
  if (current === value) return;
  const noopCost = rules.gasSstoreNoop;
  const clearRefund = rules.sstoreClearsScheduleRefund;
  if (original !== 0n && current !== 0n && value === 0n) host.addRefund(clearRefund);
  if (original !== 0n && current === 0n) host.subRefund(clearRefund);
  if (original === value)
    host.addRefund(original === 0n ? rules.gasSstoreSet - noopCost : rules.gasSstoreReset - rules.gasColdSload - noopCost);
}
