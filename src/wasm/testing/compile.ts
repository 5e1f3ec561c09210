/**
 * Test support, imported only by *.test.ts files (it uses Node.js and runs compilers): builds
 * WebAssembly modules from C with Debian's clang and lld, and from WAT with the `wabt` package.
 * .ci/run installs clang and lld; a missing compiler is a clear error, never a skipped test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import wabt from 'wabt';

/** sdk/c: the C SDK, stylus.h (the vm_hooks imports), memory.c (memset and friends) and abi.h. */
export const C_SDK = resolve(import.meta.dirname, '../../../sdk/c');
/** src/wasm/testdata/c: C test programs. */
export const C_TESTDATA = resolve(import.meta.dirname, '../../../src/wasm/testdata/c');

/**
 * The path of a tool on PATH named `name` or `name-N` (Debian ships wasm-ld as both `wasm-ld`
 * and `wasm-ld-14`, and only the versioned one in some setups); the unversioned name wins, else
 * the highest version.
 */
export function findTool(name: string): string {
  const pattern = new RegExp(`^${name.replace(/[-]/g, '\\-')}(?:-(\\d+))?$`);
  let best: { path: string; version: number } | undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of names) {
      const match = pattern.exec(file);
      if (!match) continue;
      const version = match[1] === undefined ? Infinity : Number(match[1]);
      if (!best || version > best.version) best = { path: join(dir, file), version };
    }
  }
  if (!best)
    throw new Error(`${name} is not installed: the C tests need Debian's clang and lld (apt-get install -y clang lld; .ci/run does)`);
  return best.path;
}

export interface CompileCOptions {
  /** Extra flags for clang, such as '-mbulk-memory'. */
  readonly cflags?: readonly string[];
  /** Stack size in bytes (default 8192); the stack sits below the data (--stack-first). */
  readonly stackSize?: number;
}

/**
 * Compiles one C source (which may `#include "stylus.h"`) to a wasm32 module exporting
 * `user_entrypoint` and `memory`: `clang --target=wasm32 -mcpu=mvp -Os -nostdlib`, linked by
 * wasm-ld with memory.c, `--no-entry --stack-first`.
 */
export function compileC(source: string, options: CompileCOptions = {}): Uint8Array {
  const clang = findTool('clang');
  const wasmLd = findTool('wasm-ld');
  const dir = mkdtempSync(join(tmpdir(), 'polyvm-c-'));
  try {
    writeFileSync(join(dir, 'program.c'), source);
    const cflags = ['--target=wasm32', '-mcpu=mvp', '-Os', '-nostdlib', '-ffreestanding', '-I', C_SDK, ...(options.cflags ?? [])];
    const run = (tool: string, args: string[]): void => {
      try {
        execFileSync(tool, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const stderr = String((e as { stderr?: Buffer }).stderr ?? '');
        throw new Error(`${tool} failed:\n${stderr}`);
      }
    };
    run(clang, [...cflags, '-c', 'program.c', '-o', 'program.o']);
    run(clang, [...cflags, '-fno-builtin', '-c', join(C_SDK, 'memory.c'), '-o', 'memory.o']);
    const stack = String(options.stackSize ?? 8192);
    run(wasmLd, [
      '--no-entry',
      '--export=user_entrypoint',
      '--stack-first',
      '-z',
      `stack-size=${stack}`,
      '--gc-sections',
      'program.o',
      'memory.o',
      '-o',
      'program.wasm',
    ]);
    return new Uint8Array(readFileSync(join(dir, 'program.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let wabtModule: ReturnType<typeof wabt> | undefined;

/**
 * Compiles WebAssembly text to a binary module with wabt. Features beyond the MVP that Stylus
 * accepts (sign extension, saturating float-to-int, bulk memory, mutable globals) are on; pass
 * `features` to turn others on, e.g. to write a module that activation must refuse.
 */
export async function compileWat(source: string, features: Readonly<Record<string, boolean>> = {}): Promise<Uint8Array> {
  const tools = await (wabtModule ??= wabt());
  const module = tools.parseWat('program.wat', source, {
    sign_extension: true,
    sat_float_to_int: true,
    bulk_memory: true,
    mutable_globals: true,
    ...features,
  });
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

const VALUE_TYPES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };

/** Reads a binary module's sections: each section's id and contents, in order. */
export function sections(wasm: Uint8Array): { id: number; body: Uint8Array }[] {
  const out: { id: number; body: Uint8Array }[] = [];
  const reader = { at: 8 };
  while (reader.at < wasm.length) {
    const id = wasm[reader.at++]!;
    const size = readU32(wasm, reader);
    out.push({ id, body: wasm.subarray(reader.at, reader.at + size) });
    reader.at += size;
  }
  return out;
}

function readU32(bytes: Uint8Array, reader: { at: number }): number {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[reader.at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value;
  }
}

/**
 * The type of every function import of a binary module, keyed `module.name`, written
 * `(i32,i64)->(i32)`; other kinds of import are listed as `memory`, `table` or `global`.
 * Read from the type and import sections directly, independently of the engine's parser.
 */
export function importTypes(wasm: Uint8Array): Map<string, string> {
  const types: string[] = [];
  const imports = new Map<string, string>();
  const decoder = new TextDecoder();
  for (const { id, body } of sections(wasm)) {
    const r = { at: 0 };
    const vector = (): string[] => Array.from({ length: readU32(body, r) }, () => VALUE_TYPES[body[r.at++]!] ?? '?');
    const name = (): string => {
      const length = readU32(body, r);
      r.at += length;
      return decoder.decode(body.subarray(r.at - length, r.at));
    };
    if (id === 1) {
      for (let n = readU32(body, r); n > 0; n--) {
        r.at++; // 0x60, func
        const params = vector();
        types.push(`(${params.join(',')})->(${vector().join(',')})`);
      }
    } else if (id === 2) {
      for (let n = readU32(body, r); n > 0; n--) {
        const key = `${name()}.${name()}`;
        const kind = body[r.at++]!;
        if (kind !== 0) {
          imports.set(key, ['func', 'table', 'memory', 'global'][kind]!);
          break; // the test only needs to see that one exists
        }
        imports.set(key, types[readU32(body, r)]!);
      }
    }
  }
  return imports;
}

/** A host signature from hostio.ts in importTypes' notation. */
export function signatureText(signature: { params: readonly string[]; results: readonly string[] }): string {
  return `(${signature.params.join(',')})->(${signature.results.join(',')})`;
}
