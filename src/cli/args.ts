/** A small argument parser: `--name value`, `--flag`, and positional arguments. */
import { JIT_MODES, type JitMode } from '../evm/code-cache.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  options: Map<string, string | true>;
  positionals: string[];
}

/**
 * `short` maps one-letter options to long names (`{ p: 'port' }` makes `-p 8545` mean
 * `--port 8545`); with it, any other `-x` is an unknown option.
 */
export function parseArgs(
  argv: string[],
  flags: readonly string[],
  valued: readonly string[],
  short?: Readonly<Record<string, string>>,
): ParsedArgs {
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (short !== undefined && /^-[A-Za-z]$/.test(arg)) {
      const long = short[arg[1]!];
      if (long === undefined) throw new UsageError(`unknown option ${arg}`);
      arg = `--${long}`;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (flags.includes(name)) {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
    } else if (valued.includes(name)) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
      }
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { options, positionals };
}

/**
 * Takes every `--NAME VALUE` (or `--NAME=VALUE`) out of `argv`, for an option that may be given
 * more than once; returns the values and the other arguments.
 */
export function takeRepeated(argv: readonly string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      values.push(value);
    } else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
    else rest.push(arg);
  }
  return { values, rest };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** A `--NAME REGEX` option, checked: an invalid expression is a usage error naming the option. */
export function regexOption(args: ParsedArgs, name: string): string | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  try {
    new RegExp(text);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
  return text;
}

/** Reads a `--jit` value. */
export function jitOption(value: string | undefined): JitMode | undefined {
  if (value === undefined) return undefined;
  if (!(JIT_MODES as readonly string[]).includes(value)) throw new UsageError(`--jit must be one of ${JIT_MODES.join(', ')}, got ${value}`);
  return value as JitMode;
}
