/**
 * The tracers behind Otterscan's ots_ methods, as Erigon and Anvil answer them:
 *
 * - `internalOperations`: the ether a transaction moved below its top call — value transfers
 *   by CALL (type 0), self-destructs (1), CREATE (2) and CREATE2 (3), each `{type, from, to, value}`.
 * - `otsCallTrace`: every call frame in order, `{type, depth, from, to, value, input, output}`,
 *   `value` null for STATICCALL and DELEGATECALL.
 * - `touchedAddresses`: every account a transaction's frames ran from or to (the search index).
 *
 * Calls to precompiles are left out, as in the call tracers.
 */
import type { Address } from '../primitives/address.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import type { TracedEnter, Tracer } from '../host/index.js';
import { hex, quantity, type Json } from './json.js';
import type { ResultTracer } from './types.js';

const OPERATION_TYPES: Partial<Record<TracedEnter['type'], number>> = { CALL: 0, SELFDESTRUCT: 1, CREATE: 2, CREATE2: 3 };

/** Calls `visit` for each frame entered that is not a precompile call. */
function framesWithoutPrecompiles(visit: (e: TracedEnter) => void, exit?: Tracer['exit']): Tracer {
  let precompiles = new Set<Address>();
  const skipped: boolean[] = [];
  return {
    framesOnly: true,
    txStart(start) {
      precompiles = new Set(getPrecompiles(start.rules).keys());
    },
    enter(e) {
      const skip = e.depth > 0 && (e.type === 'CALL' || e.type === 'STATICCALL') && precompiles.has(e.to);
      skipped.push(skip);
      if (!skip) visit(e);
    },
    exit(e) {
      if (!skipped.pop() && exit !== undefined) exit(e);
    },
  };
}

export function createInternalOperationsTracer(): ResultTracer {
  const operations: Json[] = [];
  return {
    ...framesWithoutPrecompiles((e) => {
      const type = OPERATION_TYPES[e.type];
      if (e.depth === 0 || type === undefined) return;
      const value = e.value ?? 0n;
      if (type === 0 && value === 0n) return;
      operations.push({ type, from: e.from, to: e.to, value: quantity(value) });
    }),
    result: () => operations,
  };
}

export function createOtsCallTracer(): ResultTracer {
  const entries: Record<string, Json>[] = [];
  const open: Record<string, Json>[] = [];
  return {
    ...framesWithoutPrecompiles(
      (e) => {
        const entry: Record<string, Json> = {
          type: e.type,
          depth: e.depth,
          from: e.from,
          to: e.to,
          value: e.type === 'STATICCALL' || e.type === 'DELEGATECALL' ? null : quantity(e.value ?? 0n),
          input: hex(e.input),
          output: null,
        };
        entries.push(entry);
        open.push(entry);
      },
      (e) => {
        const entry = open.pop();
        if (entry !== undefined && entry.type !== 'SELFDESTRUCT') entry.output = hex(e.output);
      },
    ),
    result: () => entries,
  };
}

/** The accounts a transaction's frames ran from or to; `result()` lists them. */
export function createTouchedAddressesTracer(): ResultTracer {
  const seen = new Set<Address>();
  return {
    ...framesWithoutPrecompiles((e) => {
      seen.add(e.from);
      seen.add(e.to);
    }),
    result: () => [...seen],
  };
}
