/**
 * The WebAssembly JavaScript API (https://webassembly.github.io/spec/js-api/), the part polyvm
 * uses. TypeScript declares it only in its DOM libraries and @types/node 20 not at all, while
 * tsconfig.json compiles against ES2022 alone so that no browser or Node.js API slips into the
 * engine unseen; this file adds just the WebAssembly global, which both Node.js and browsers have.
 */
declare namespace WebAssembly {
  type ImportExportKind = 'function' | 'global' | 'memory' | 'table';
  type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'anyfunc' | 'externref';
  type ExportValue = ((...args: never[]) => unknown) | Global | Memory | Table;
  type Exports = Record<string, ExportValue>;
  type ImportValue = ExportValue | number | bigint;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;

  interface ModuleExportDescriptor {
    kind: ImportExportKind;
    name: string;
  }
  interface ModuleImportDescriptor {
    kind: ImportExportKind;
    module: string;
    name: string;
  }
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  interface GlobalDescriptor {
    value: ValueType;
    mutable?: boolean;
  }
  interface TableDescriptor {
    element: 'anyfunc' | 'externref';
    initial: number;
    maximum?: number;
  }

  interface Module {}
  var Module: {
    prototype: Module;
    new (bytes: ArrayBufferView | ArrayBuffer): Module;
    exports(module: Module): ModuleExportDescriptor[];
    imports(module: Module): ModuleImportDescriptor[];
    customSections(module: Module, sectionName: string): ArrayBuffer[];
  };

  interface Instance {
    readonly exports: Exports;
  }
  var Instance: {
    prototype: Instance;
    new (module: Module, importObject?: Imports): Instance;
  };

  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  var Memory: {
    prototype: Memory;
    new (descriptor: MemoryDescriptor): Memory;
  };

  interface Global {
    value: number | bigint;
    valueOf(): number | bigint;
  }
  var Global: {
    prototype: Global;
    new (descriptor: GlobalDescriptor, value?: number | bigint): Global;
  };

  interface Table {
    readonly length: number;
    get(index: number): unknown;
    grow(delta: number, value?: unknown): number;
    set(index: number, value?: unknown): void;
  }
  var Table: {
    prototype: Table;
    new (descriptor: TableDescriptor, value?: unknown): Table;
  };

  interface CompileError extends Error {}
  var CompileError: { prototype: CompileError; new (message?: string): CompileError };
  interface LinkError extends Error {}
  var LinkError: { prototype: LinkError; new (message?: string): LinkError };
  interface RuntimeError extends Error {}
  var RuntimeError: { prototype: RuntimeError; new (message?: string): RuntimeError };

  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
