/** What every tracer of this folder is: the engine's hooks, and the JSON result geth would give. */
import type { Tracer } from '../host/index.js';
import type { Json } from './json.js';

export interface ResultTracer extends Tracer {
  /** The result as geth's debug API returns it, once the transaction has ended. */
  result(): Json;
}

/** Where the traced transaction is, for the tracers that print it (the flat call tracer). */
export interface TraceContext {
  blockHash?: string;
  blockNumber?: bigint;
  txHash?: string;
  txIndex?: number;
}

export class TracerConfigError extends Error {
  override name = 'TracerConfigError';
}

/** Reads a tracer's config object: only known boolean fields (geth ignores unknown ones). */
export function booleanConfig<K extends string>(name: string, config: unknown, keys: readonly K[]): Record<K, boolean> {
  const out = {} as Record<K, boolean>;
  for (const key of keys) out[key] = false;
  if (config === undefined || config === null) return out;
  if (typeof config !== 'object' || Array.isArray(config)) throw new TracerConfigError(`${name}: the config must be an object`);
  for (const key of keys) {
    const value = (config as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') throw new TracerConfigError(`${name}: ${key} must be true or false`);
    out[key] = value;
  }
  return out;
}
