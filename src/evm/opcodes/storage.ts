/** SLOAD and SSTORE with their gas across forks (Frontier, EIP-1283, EIP-2200, EIP-2929, EIP-3529). */
import { totalGas, type Frame } from '../frame.js';
import { useGas } from '../memory.js';
import { Status } from '../status.js';
import { COLD_SLOAD, WARM_ACCESS, writeProtected } from './helpers.js';
import type { OpcodeDeclaration } from './types.js';

const SSTORE_SET = 20000;
const SSTORE_RESET = 5000;
/** EIP-2200: SSTORE fails when no more than the call stipend is left. */
const SSTORE_SENTRY = 2300;

export const storageOpcodes: OpcodeDeclaration[] = [
  {
    code: 0x54,
    name: 'SLOAD',
    inputs: 1,
    outputs: 1,
    gas: (r) => Number(r.gasSload),
    since: 'Frontier',
    handler: (f) => {
      const slot = f.stack[f.sp - 1]!;
      const host = f.env.host;
      if (f.env.rules.berlin) {
        const cost = host.warmSlot(f.message.address, slot) ? COLD_SLOAD : WARM_ACCESS;
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
    // Frontier to Petersburg: set costs 20000, anything else 5000; clearing refunds.
    if (!useGas(f, current === 0n && value !== 0n ? SSTORE_SET : SSTORE_RESET)) return;
    if (current !== 0n && value === 0n) host.addRefund(Number(rules.sstoreClearsScheduleRefund));
    host.setStorage(address, slot, value);
    return;
  }

  // EIP-2200: no SSTORE with the call stipend or less left.
  if (rules.istanbul && f.gas <= SSTORE_SENTRY && totalGas(f) <= BigInt(SSTORE_SENTRY)) {
    f.status = Status.OutOfGas;
    return;
  }
  let cost = 0;
  if (rules.berlin && host.warmSlot(address, slot)) cost += COLD_SLOAD;
  // The cost of a no-op or of touching a dirty slot: warm access (Berlin), SLOAD (Istanbul), 200 (EIP-1283).
  const noopCost = rules.berlin ? WARM_ACCESS : rules.istanbul ? 800 : 200;
  const resetCost = rules.berlin ? SSTORE_RESET - COLD_SLOAD : SSTORE_RESET;
  const original = host.getOriginalStorage(address, slot);
  if (original === current && current !== value) cost += original === 0n ? SSTORE_SET : resetCost;
  else cost += noopCost;
  if (!useGas(f, cost)) return;

  if (current !== value) {
    const clearRefund = Number(rules.sstoreClearsScheduleRefund);
    if (original !== 0n && current !== 0n && value === 0n) host.addRefund(clearRefund);
    if (original !== 0n && current === 0n) host.subRefund(clearRefund);
    if (original === value) host.addRefund(original === 0n ? SSTORE_SET - noopCost : resetCost - noopCost);
  }
  host.setStorage(address, slot, value);
}
