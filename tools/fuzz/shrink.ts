/**
 * Shrinking a diverging case to a small reproducer: drop the accounts it does not need, remove
 * runs of instructions from each program (halving the run length, as delta debugging does),
 * shorten the input, drop storage, zero the value. A change is kept when the case still diverges
 * the same way. Bounded by tries and time.
 */
import type { Address } from '../../dist/primitives/address.js';
import { EMPTY_BYTES } from '../../dist/primitives/bytes.js';
import type { AccountState, StateDump } from '../peer/types.js';
import { instructions } from './assembler.js';
import type { FuzzCase } from './case.js';

export interface ShrinkBudget {
  tries: number;
  milliseconds: number;
}

function withPre(c: FuzzCase, pre: StateDump): FuzzCase {
  return { ...c, pre };
}

function replaceAccount(c: FuzzCase, address: Address, account: AccountState | undefined): FuzzCase {
  const pre = new Map(c.pre);
  if (account === undefined) pre.delete(address);
  else pre.set(address, account);
  return withPre(c, pre);
}

export async function shrinkCase(
  original: FuzzCase,
  stillFails: (c: FuzzCase) => Promise<boolean>,
  budget: ShrinkBudget = { tries: 600, milliseconds: 20_000 },
): Promise<FuzzCase> {
  const deadline = performance.now() + budget.milliseconds;
  let tries = 0;
  let best = original;
  const attempt = async (candidate: FuzzCase): Promise<boolean> => {
    if (tries >= budget.tries || performance.now() > deadline) return false;
    tries++;
    if (await stillFails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };

  // Accounts the divergence does not need.
  for (const address of [...best.pre.keys()]) {
    if (address === best.call.caller || address === best.call.to) continue;
    await attempt(replaceAccount(best, address, undefined));
  }

  for (let pass = 0; pass < 2; pass++) {
    const before = tries;
    const programs = [...best.pre.entries()].filter(([, a]) => a.code.length > 0).map(([address]) => address);
    programs.sort((x, y) => (x === best.call.to ? -1 : y === best.call.to ? 1 : 0));
    for (const address of programs) await shrinkCode(address);
    if (tries === before) break;
  }

  // The input, storage and value.
  if (best.call.data.length > 0 && !(await attempt({ ...best, call: { ...best.call, data: EMPTY_BYTES } }))) {
    for (let n = best.call.data.length >> 1; n > 0 && best.call.data.length > n; n >>= 1) {
      await attempt({ ...best, call: { ...best.call, data: best.call.data.subarray(0, n) } });
    }
  }
  for (const [address, account] of [...best.pre.entries()]) {
    for (const slot of [...account.storage.keys()]) {
      const current = best.pre.get(address)!;
      const storage = new Map(current.storage);
      storage.delete(slot);
      await attempt(replaceAccount(best, address, { ...current, storage }));
    }
  }
  if (best.call.value !== 0n) await attempt({ ...best, call: { ...best.call, value: 0n } });
  return best;

  async function shrinkCode(address: Address): Promise<void> {
    let code = best.pre.get(address)!.code;
    let chunk = Math.max(1, instructions(code).length >> 1);
    while (chunk >= 1) {
      let i = 0;
      for (;;) {
        const list = instructions(code);
        if (i >= list.length) break;
        const start = list[i]!.pc;
        const endIndex = Math.min(list.length, i + chunk);
        const end = endIndex >= list.length ? code.length : list[endIndex]!.pc;
        const smaller = new Uint8Array(code.length - (end - start));
        smaller.set(code.subarray(0, start));
        smaller.set(code.subarray(end), start);
        const current = best.pre.get(address)!;
        if (await attempt(replaceAccount(best, address, { ...current, code: smaller }))) code = smaller;
        else i += chunk;
        if (tries >= budget.tries || performance.now() > deadline) return;
      }
      if (chunk === 1) break;
      chunk >>= 1;
    }
  }
}
