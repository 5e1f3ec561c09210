/** SLOAD and SSTORE with their gas across forks (Frontier, EIP-1283, EIP-2200, EIP-2929, EIP-3529). */
import { totalGas, type Frame } from '../frame.js';
import { useGas } from '../memory.js';
import { Status } from '../../host/status.js';
import { writeProtected } from './helpers.js';
import type { OpcodeDeclaration } from './types.js';
import { applyNetSstoreRefund, netSstoreCost } from '../../host/storage-gas.js';

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
