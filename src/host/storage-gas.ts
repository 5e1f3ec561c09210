/**
 * Storage gas that every VM charges alike: a WebAssembly program's storage writes are priced as
 * the EVM prices SSTORE (Stylus's storage flush), so the rule lives here, beside both.
 */
import type { Address } from '../primitives/address.js';
import type { Rules } from '../forks/index.js';
import type { Host } from './host.js';

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
