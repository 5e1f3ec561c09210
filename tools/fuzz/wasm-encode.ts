/**
 * A small WebAssembly binary encoder for the wasm fuzz mode: modules are written here, not with
 * the engine's own Writer, so a bug in the engine's encoding cannot hide the same bug in its
 * decoding. Only what the generator needs: types, imports, functions, one table, memories,
 * globals, exports, a start function, elements, code, data and custom sections.
 */

export type WasmType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

export const TYPE_BYTE: Record<WasmType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Block types: empty, or one value. */
export const BLOCK_EMPTY = 0x40;

export interface FuncTypeSpec {
  params: WasmType[];
  results: WasmType[];
}

export interface ModuleSpec {
  types: FuncTypeSpec[];
  imports: { module: string; name: string; type: number }[];
  /** The type index of each defined function. */
  functions: number[];
  /** Function-table size (a funcref table), when there is one. */
  table?: number;
  memories: { min: number; max?: number; shared?: boolean }[];
  globals: { type: WasmType; mutable: boolean; init: number[] }[];
  exports: { name: string; kind: 'func' | 'table' | 'memory' | 'global'; index: number }[];
  start?: number;
  /** Active element segments of the table, at an i32 offset. */
  elements: { offset: number; functions: number[] }[];
  codes: { locals: WasmType[]; body: number[] }[];
  datas: { offset: number; bytes: Uint8Array }[];
  /** Custom sections, written last. */
  customs: { name: string; bytes: Uint8Array }[];
}

export function emptyModule(): ModuleSpec {
  return { types: [], imports: [], functions: [], memories: [], globals: [], exports: [], elements: [], codes: [], datas: [], customs: [] };
}

/** Unsigned LEB128 of a non-negative safe integer. */
export function u32(out: number[], value: number): void {
  let v = value;
  do {
    const byte = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? byte | 0x80 : byte);
  } while (v > 0);
}

/** Signed LEB128 of a bigint (i32.const takes values as signed 32-bit, i64.const as signed 64-bit). */
export function sleb(out: number[], value: bigint): void {
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function name(out: number[], text: string): void {
  const bytes = new TextEncoder().encode(text);
  u32(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function vector<T>(out: number[], items: readonly T[], each: (out: number[], item: T) => void): void {
  u32(out, items.length);
  for (const item of items) each(out, item);
}

function section(out: Uint8Array[], id: number, content: number[], payload?: Uint8Array): void {
  const header: number[] = [id];
  u32(header, content.length + (payload?.length ?? 0));
  out.push(Uint8Array.from(header), Uint8Array.from(content));
  if (payload) out.push(payload);
}

const KIND = { func: 0, table: 1, memory: 2, global: 3 } as const;

export function encodeModule(m: ModuleSpec): Uint8Array {
  const out: Uint8Array[] = [Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00)];
  const add = (id: number, present: boolean, write: (content: number[]) => void) => {
    if (!present) return;
    const content: number[] = [];
    write(content);
    section(out, id, content);
  };
  add(1, m.types.length > 0, (c) =>
    vector(c, m.types, (c, t) => {
      c.push(0x60);
      vector(c, t.params, (c, p) => c.push(TYPE_BYTE[p]));
      vector(c, t.results, (c, r) => c.push(TYPE_BYTE[r]));
    }),
  );
  add(2, m.imports.length > 0, (c) =>
    vector(c, m.imports, (c, imp) => {
      name(c, imp.module);
      name(c, imp.name);
      c.push(0x00);
      u32(c, imp.type);
    }),
  );
  add(3, m.functions.length > 0, (c) => vector(c, m.functions, u32));
  add(4, m.table !== undefined, (c) => {
    c.push(1, 0x70, 0x00);
    u32(c, m.table!);
  });
  add(5, m.memories.length > 0, (c) =>
    vector(c, m.memories, (c, mem) => {
      c.push((mem.max !== undefined ? 1 : 0) | (mem.shared ? 2 : 0));
      u32(c, mem.min);
      if (mem.max !== undefined) u32(c, mem.max);
    }),
  );
  add(6, m.globals.length > 0, (c) =>
    vector(c, m.globals, (c, g) => {
      c.push(TYPE_BYTE[g.type], g.mutable ? 1 : 0, ...g.init, 0x0b);
    }),
  );
  add(7, m.exports.length > 0, (c) =>
    vector(c, m.exports, (c, e) => {
      name(c, e.name);
      c.push(KIND[e.kind]);
      u32(c, e.index);
    }),
  );
  add(8, m.start !== undefined, (c) => u32(c, m.start!));
  add(9, m.elements.length > 0, (c) =>
    vector(c, m.elements, (c, e) => {
      c.push(0x00, 0x41);
      sleb(c, BigInt(e.offset));
      c.push(0x0b);
      vector(c, e.functions, u32);
    }),
  );
  add(10, m.codes.length > 0, (c) =>
    vector(c, m.codes, (c, code) => {
      const body: number[] = [];
      // Locals run-length encoded, as compilers write them.
      const runs: [number, WasmType][] = [];
      for (const t of code.locals) {
        const last = runs[runs.length - 1];
        if (last && last[1] === t) last[0]++;
        else runs.push([1, t]);
      }
      vector(body, runs, (b, [n, t]) => {
        u32(b, n);
        b.push(TYPE_BYTE[t]);
      });
      for (const b of code.body) body.push(b);
      u32(c, body.length);
      for (const b of body) c.push(b);
    }),
  );
  add(11, m.datas.length > 0, (c) =>
    vector(c, m.datas, (c, d) => {
      c.push(0x00, 0x41);
      sleb(c, BigInt(d.offset | 0));
      c.push(0x0b);
      u32(c, d.bytes.length);
      for (let i = 0; i < d.bytes.length; i++) c.push(d.bytes[i]!);
    }),
  );
  for (const custom of m.customs) {
    const content: number[] = [];
    name(content, custom.name);
    section(out, 0, content, custom.bytes);
  }
  const bytes = new Uint8Array(out.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of out) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
