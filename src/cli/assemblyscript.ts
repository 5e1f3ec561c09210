/**
 * Compiles an AssemblyScript contract to a Stylus-format program with the `assemblyscript`
 * compiler's JS API and polyvm's SDK (sdk/assemblyscript/, imported as "polyvm/sdk/assemblyscript").
 * Node.js only; `assemblyscript` is loaded when a build starts, so the rest of the CLI runs without it.
 *
 * What makes asc's output a module polyvm (and Arbitrum) accepts:
 * - `--runtime stub`: a bump allocator that never frees. A call instantiates the module afresh, so
 *   nothing outlives it, and the stub is the smallest runtime (no GC, no shadow stack).
 * - `--use abort=…`: AssemblyScript's `abort` (failed assert, thrown error, bounds check) becomes the
 *   SDK's handler, which reverts with Error(message), instead of importing `env.abort`.
 * - No start function: the runtime (and any top-level initialiser) needs one, which Stylus refuses,
 *   so a transform removes it and makes `user_entrypoint` call it first (binaryen inlines it).
 * - No data-count section: binaryen writes one whenever bulk memory is on, and Stylus refuses it.
 *   Bulk memory stays on (memory.copy and memory.fill are accepted and far smaller than loops),
 *   and the section is dropped after emit: it is only needed by memory.init and data.drop, which
 *   asc does not emit for active segments and Stylus refuses anyway.
 * - One data segment: binaryen emits two a string constant, past Stylus's 128 for a contract
 *   with a few dozen strings, so they are merged after emit (finishModule).
 * - `-O3 --shrinkLevel 1`: fast code, kept small (programs pay per byte at deploy).
 * - Not `--noAssert`: a contract's assert() is a check, and must revert when it fails.
 * The memory is exported as `memory`, asc's default, and can grow: the SDK's `dispatch` calls
 * `pay_for_memory_grow(0)` so the import that growth requires is there.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Reader, SectionId, Writer } from '../wasm/binary.js';

/** The SDK's sources. From dist/cli/ and from src/cli/ alike: two levels up is the package root. */
export const SDK_DIR = resolve(import.meta.dirname, '../../sdk/assemblyscript');

/** What a contract imports the SDK as (the path it has in node_modules when polyvm is installed). */
export const SDK_IMPORT = 'polyvm/sdk/assemblyscript';

/** The SDK's abort handler, by the internal path asc gives a file under node_modules. */
const ABORT_HANDLER = `~lib/${SDK_IMPORT}/revert/abortWithError`;

/** The asc options every build uses (besides the entry file and outputs). */
export const ASC_FLAGS: readonly string[] = ['--runtime', 'stub', '-O3', '--shrinkLevel', '1', '--use', `abort=${ABORT_HANDLER}`];

export interface AssemblyScriptBuild {
  /** The module, ready for `polyvm wasm deploy-code` or `deployCode(compressProgram(wasm))`. */
  readonly wasm: Uint8Array;
  /** The text format of the module as asc emitted it (with the data-count section still declared), when asked for. */
  readonly text?: string;
  /** Warnings, one a line as FILE:LINE:COLUMN: warning …. */
  readonly warnings: readonly string[];
}

/** A contract that does not compile; `diagnostics` are lines of FILE:LINE:COLUMN: error …. */
export class AssemblyScriptError extends Error {
  override name = 'AssemblyScriptError';
  constructor(readonly diagnostics: readonly string[]) {
    super(diagnostics.join('\n'));
  }
}

export interface BuildOptions {
  /** Also return the text format. */
  readonly text?: boolean;
}

interface Diagnostic {
  code: number;
  category: number;
  message: string;
  range: { start: number; source: { normalizedPath: string } | null } | null;
}

/** The part of asc's JS API (assemblyscript/asc) a build uses. */
interface Asc {
  main(
    argv: string[],
    options: {
      readFile(name: string, dir: string): string | null;
      writeFile(name: string, contents: Uint8Array | string, dir: string): void;
      listFiles(dir: string, baseDir: string): string[] | null;
      stdout: { write(chunk: string | Uint8Array): boolean };
      stderr: { write(chunk: string | Uint8Array): boolean };
      reportDiagnostic(diagnostic: Diagnostic): void;
      transforms: (new () => object)[];
    },
  ): Promise<{ error: Error | null }>;
}

interface BinaryenModule {
  getStart(): number;
  setStart(start: number): void;
  getExport(name: string): number;
  removeExport(name: string): void;
  addFunction(name: string, params: number, results: number, vars: number[], body: number): number;
  addFunctionExport(internalName: string, externalName: string): number;
  block(label: string | null, children: number[], type?: number): number;
  call(name: string, operands: number[], type: number): number;
  return(value?: number): number;
  local: { get(index: number, type: number): number };
}

interface Binaryen {
  i32: number;
  none: number;
  unreachable: number;
  createType(types: number[]): number;
  getFunctionInfo(func: number): { name: string };
  getExportInfo(exp: number): { value: string };
}

const CATEGORY = ['pedantic', 'info', 'warning', 'error'];

/** Compiles `file` (an AssemblyScript contract that imports the SDK) to a program's module. */
export async function buildAssemblyScript(file: string, options: BuildOptions = {}): Promise<AssemblyScriptBuild> {
  let asc: Asc;
  try {
    // A specifier in a variable: the compiler's types declare AssemblyScript's globals (console…)
    // over Node's, so they must not reach tsc.
    const specifier = 'assemblyscript/asc';
    asc = ((await import(specifier)) as { default: Asc }).default;
  } catch (e) {
    throw new Error(`the AssemblyScript compiler is not installed (npm install -D assemblyscript): ${(e as Error).message}`);
  }
  const entry = resolve(file);
  const baseDir = dirname(entry);
  const outputs = new Map<string, Uint8Array | string>();
  const diagnostics: string[] = [];
  const warnings: string[] = [];
  /** The sources asc read, by the path it asked for, to turn a diagnostic's offset into a line. */
  const sources = new Map<string, string>();
  let stderr = '';

  const result = await asc.main(
    [
      basename(entry),
      '--baseDir',
      baseDir,
      '--outFile',
      'program.wasm',
      ...(options.text ? ['--textFile', 'program.wat'] : []),
      ...ASC_FLAGS,
      '--noColors',
    ],
    {
      readFile(name: string, dir: string): string | null {
        const path = join(dir, name);
        try {
          const text = readFileSync(sdkPath(path) ?? path, 'utf8');
          sources.set(path, text);
          return text;
        } catch {
          return null;
        }
      },
      writeFile(name: string, contents: Uint8Array | string): void {
        outputs.set(name, contents);
      },
      listFiles(): string[] {
        return [];
      },
      stdout: { write: () => true },
      stderr: {
        write(chunk: string | Uint8Array): boolean {
          stderr += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
          return true;
        },
      },
      reportDiagnostic(d: Diagnostic): void {
        const line = `${where(d, baseDir, sources)}${CATEGORY[d.category] ?? 'error'} AS${d.code}: ${d.message}`;
        if (d.category === 3) diagnostics.push(line);
        else if (d.category === 2) warnings.push(line);
      },
      transforms: [EntrypointCallsStart],
    },
  );
  if (result.error) {
    if (diagnostics.some((d) => d.includes(ABORT_HANDLER))) {
      diagnostics.push(
        `${relative(process.cwd(), entry)}: import the SDK (from '${SDK_IMPORT}'): its abort handler is part of every build`,
      );
    }
    throw new AssemblyScriptError(diagnostics.length > 0 ? diagnostics : [stderr.trim() || result.error.message]);
  }
  const binary = outputs.get('program.wasm');
  if (!(binary instanceof Uint8Array)) throw new AssemblyScriptError([`asc wrote no module: ${stderr.trim()}`]);
  const text = outputs.get('program.wat');
  return { wasm: finishModule(binary), warnings, ...(typeof text === 'string' ? { text } : {}) };
}

/** The SDK file a path under node_modules/polyvm/sdk/assemblyscript/ stands for, or undefined. */
function sdkPath(path: string): string | undefined {
  const marker = `${sep}node_modules${sep}${SDK_IMPORT.split('/').join(sep)}${sep}`;
  const at = path.indexOf(marker);
  if (at < 0) return undefined;
  return join(SDK_DIR, path.slice(at + marker.length));
}

/**
 * "FILE:LINE:COLUMN: " of a diagnostic (empty without a range). asc names a file under
 * node_modules "~lib/…"; the user's files are relative to the working directory.
 */
function where(d: Diagnostic, baseDir: string, sources: ReadonlyMap<string, string>): string {
  const source = d.range?.source;
  if (!d.range || !source) return '';
  const lib = source.normalizedPath.startsWith('~lib/');
  const path = lib ? join(baseDir, 'node_modules', source.normalizedPath.slice('~lib/'.length)) : join(baseDir, source.normalizedPath);
  const shown = lib ? (sdkPath(path) ?? source.normalizedPath) : path;
  const text = sources.get(path);
  if (text === undefined) return `${relative(process.cwd(), shown) || shown}: `;
  const before = text.slice(0, d.range.start);
  const line = before.split('\n').length;
  const column = d.range.start - before.lastIndexOf('\n');
  return `${relative(process.cwd(), shown)}:${line}:${column}: `;
}

/**
 * An asc transform: moves the start function (the runtime's setup and top-level initialisers) into
 * `user_entrypoint`, which Stylus calls once per call, because Stylus refuses a start function.
 * asc assigns `binaryen` to the prototype before constructing it.
 */
class EntrypointCallsStart {
  declare readonly binaryen: Binaryen;

  afterCompile(module: BinaryenModule): void {
    const b = this.binaryen;
    const start = module.getStart();
    if (!start) return;
    const exported = module.getExport('user_entrypoint');
    if (!exported) return; // the validator says what is missing
    const startName = b.getFunctionInfo(start).name;
    const entryName = b.getExportInfo(exported).value;
    module.setStart(0);
    module.removeExport('user_entrypoint');
    const body = module.block(
      null,
      [module.call(startName, [], b.none), module.return(module.call(entryName, [module.local.get(0, b.i32)], b.i32))],
      b.unreachable,
    );
    module.addFunction('polyvm~user_entrypoint', b.createType([b.i32]), b.i32, [], body);
    module.addFunctionExport('polyvm~user_entrypoint', 'user_entrypoint');
  }
}

/**
 * asc's module made acceptable to Stylus: without the data-count section (id 12), and with its
 * data segments merged into one. binaryen splits each string constant from the zeros around it,
 * two segments a string, and Stylus allows 128; the gaps are zeros, which memory starts as, so
 * one segment from the lowest offset to the highest end holds the same image.
 */
export function finishModule(wasm: Uint8Array): Uint8Array {
  const out = new Writer().bytes(wasm.subarray(0, 8));
  const r = new Reader(wasm, 8);
  while (!r.done) {
    const id = r.u8();
    const payload = r.take(r.u32());
    if (id === SectionId.dataCount) continue;
    const merged = id === SectionId.data ? mergeDataSegments(payload) : undefined;
    out.section(id, merged ?? new Writer().bytes(payload));
  }
  return out.result();
}

/** A data section's payload with one active segment, or undefined when a segment is not `(i32.const N)` in memory 0. */
function mergeDataSegments(payload: Uint8Array): Writer | undefined {
  const r = new Reader(payload);
  const segments: { offset: number; bytes: Uint8Array }[] = [];
  for (let count = r.u32(); count > 0; count--) {
    if (r.u8() !== 0 || r.u8() !== 0x41) return undefined; // active, memory 0, i32.const
    const offset = r.s32();
    if (r.u8() !== 0x0b || offset < 0) return undefined;
    segments.push({ offset, bytes: r.take(r.u32()) });
  }
  if (segments.length < 2) return undefined;
  const low = Math.min(...segments.map((s) => s.offset));
  const high = Math.max(...segments.map((s) => s.offset + s.bytes.length));
  const image = new Uint8Array(high - low);
  for (const s of segments) image.set(s.bytes, s.offset - low);
  return new Writer().u32(1).u8(0).u8(0x41).signed(BigInt(low)).u8(0x0b).u32(image.length).bytes(image);
}
