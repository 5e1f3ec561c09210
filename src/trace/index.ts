/**
 * geth's built-in tracers by name, for debug_traceTransaction and `polyvm tracetest`:
 * `createTracer(name, config)` gives the engine's hooks (pass it as a transaction's tracer) and
 * the result geth's debug API would return for it.
 */
import type { Address } from '../primitives/address.js';
import { bytesToHex } from '../primitives/bytes.js';
import { getPrecompiles } from '../evm/precompiles/index.js';
import type { Tracer } from '../host/index.js';
import { createCallTracer } from './call-tracer.js';
import { createFlatCallTracer } from './flat-call-tracer.js';
import { createPrestateTracer } from './prestate-tracer.js';
import { createErc7562Tracer } from './erc7562-tracer.js';
import { createCallTracerLegacy, createPrestateTracerLegacy } from './legacy-tracers.js';
import { sorted, type Json } from './json.js';
import { TracerConfigError, type ResultTracer, type TraceContext } from './types.js';

export type { ResultTracer, TraceContext } from './types.js';
export { TracerConfigError } from './types.js';
export type { Json } from './json.js';

export class UnknownTracerError extends Error {
  override name = 'UnknownTracerError';
  constructor(readonly tracer: string) {
    super(`unknown tracer "${tracer}"; known: ${Object.keys(TRACERS).join(', ')}`);
  }
}

type Factory = (config: unknown, context: TraceContext) => ResultTracer;

const TRACERS: Record<string, Factory> = {
  callTracer: (config) => createCallTracer(config),
  flatCallTracer: (config, context) => createFlatCallTracer(config, context),
  prestateTracer: (config) => createPrestateTracer(config),
  '4byteTracer': () => createFourByteTracer(),
  noopTracer: () => ({ result: () => ({}) }),
  muxTracer: (config, context) => createMuxTracer(config, context),
  erc7562Tracer: (config) => createErc7562Tracer(config),
  callTracerLegacy: () => createCallTracerLegacy(),
  prestateTracerLegacy: () => createPrestateTracerLegacy(),
};

export const TRACER_NAMES: readonly string[] = Object.keys(TRACERS);

/** A tracer by geth's name with its config (the JSON `tracerConfig`); throws for an unknown name or a bad config. */
export function createTracer(name: string, config?: unknown, context: TraceContext = {}): ResultTracer {
  const factory = Object.hasOwn(TRACERS, name) ? TRACERS[name] : undefined;
  if (factory === undefined) throw new UnknownTracerError(name);
  return factory(config, context);
}

/** geth's `4byteTracer`: how often each 4-byte selector was called, with each input size. */
function createFourByteTracer(): ResultTracer {
  const ids = new Map<string, number>();
  let precompiles = new Set<Address>();
  return {
    txStart(start) {
      precompiles = new Set(getPrecompiles(start.rules).keys());
    },
    enter(e) {
      if (e.input.length < 4 || e.type === 'CREATE' || e.type === 'CREATE2' || e.type === 'SELFDESTRUCT') return;
      if (precompiles.has(e.to)) return;
      const key = `${bytesToHex(e.input.subarray(0, 4))}-${e.input.length - 4}`;
      ids.set(key, (ids.get(key) ?? 0) + 1);
    },
    result: () => sorted(ids),
  };
}

/** geth's `muxTracer`: several tracers at once, the config naming each with its own config. */
function createMuxTracer(config: unknown, context: TraceContext): ResultTracer {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new TracerConfigError('muxTracer: the config must map tracer names to their configs');
  const children = Object.entries(config as Record<string, unknown>).map(([name, c]) => [name, createTracer(name, c, context)] as const);
  return {
    ...combineTracers(children.map(([, t]) => t)),
    result: () => sorted(children.map(([name, t]) => [name, t.result()] as [string, Json])),
  };
}

/** One tracer whose every hook calls the hook of each of `tracers` that has it, in order. */
export function combineTracers(tracers: readonly Tracer[]): Tracer {
  const tracer: Tracer = {};
  for (const hook of ['step', 'stepEnd', 'hostCall', 'txStart', 'txEnd', 'enter', 'exit', 'log'] as const) {
    const hooks = tracers.filter((t) => t[hook] !== undefined);
    if (hooks.length === 0) continue;
    (tracer as Record<string, unknown>)[hook] = (...args: unknown[]) => {
      for (const t of hooks) (t[hook] as (...a: unknown[]) => void).apply(t, args);
    };
  }
  return tracer;
}
