/**
 * The deployed form of a Stylus program and the init code that deploys it.
 *
 * Runtime code `EF F0 00` (Stylus's "discriminant", chosen to clash with EOF validation so it can
 * never pass for EVM code), one dictionary byte, then a brotli stream holding the WebAssembly
 * module (OffchainLabs/go-ethereum core/state/statedb_arbitrum.go; docs/wasm-notes.md §1). Only the
 * `EF F0 00` form is supported: the fragment and root forms (`EF F0 01`, `EF F0 02`) are not
 * programs here, so their code stays rejected as any other 0xEF code.
 */

/** The three bytes that open every program's runtime code. */
export const STYLUS_PREFIX: Uint8Array = Uint8Array.of(0xef, 0xf0, 0x00);

/** Dictionary byte: plain brotli, no dictionary (what cargo-stylus always writes). */
export const DICTIONARY_NONE = 0x00;
/** Dictionary byte: nitro's raw LZ77 dictionary `stylus-program-11` (not supported by polyvm). */
export const DICTIONARY_STYLUS_PROGRAM_11 = 0x01;

/** The magic number of a WebAssembly binary module: `\0asm`. */
/** Stylus's MaxWasmSize: the largest decompressed module, in bytes, inclusive (nitro params.go). */
export const MAX_WASM_SIZE = 131_072;

export const WASM_MAGIC: Uint8Array = Uint8Array.of(0x00, 0x61, 0x73, 0x6d);

/**
 * Length of the EVM prelude cargo-stylus puts before a program in its deploy transaction: 42 bytes
 * of init code and a version byte (OffchainLabs/stylus-sdk-rs stylus-tools/src/core/deployment/prelude.rs).
 */
export const DEPLOY_PRELUDE_LENGTH = 43;
/** The prelude's version byte, after the RETURN, which never runs. */
export const DEPLOY_PRELUDE_VERSION = 0x00;

/** Code that is not a program in Stylus's format, or a program whose module cannot be recovered. */
export class ProgramFormatError extends Error {
  override name = 'ProgramFormatError';
}

function startsWith(code: Uint8Array, prefix: Uint8Array): boolean {
  if (code.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (code[i] !== prefix[i]) return false;
  return true;
}

/** Whether `code` is a Stylus program: the prefix, a dictionary byte and at least one more byte. */
export function isProgram(code: Uint8Array): boolean {
  return code.length > STYLUS_PREFIX.length + 1 && startsWith(code, STYLUS_PREFIX);
}

/** Whether `bytes` is a raw WebAssembly binary module (starts with `\0asm`), as a .wasm file is. */
export function isWasmModule(bytes: Uint8Array): boolean {
  return startsWith(bytes, WASM_MAGIC);
}

export interface ProgramParts {
  /** The dictionary byte (0x00 = none). */
  readonly dictionary: number;
  /** The brotli stream (a view into the code, not a copy). */
  readonly compressed: Uint8Array;
}

/** The dictionary byte and brotli stream of a program; ProgramFormatError if `code` is not one. */
export function splitProgram(code: Uint8Array): ProgramParts {
  if (!isProgram(code)) {
    throw new ProgramFormatError(
      startsWith(code, STYLUS_PREFIX)
        ? `a Stylus program needs a dictionary byte and a brotli stream after the prefix EF F0 00 (got ${code.length} bytes in all)`
        : 'not a Stylus program: the code does not start with EF F0 00',
    );
  }
  return { dictionary: code[STYLUS_PREFIX.length]!, compressed: code.subarray(STYLUS_PREFIX.length + 1) };
}

/**
 * Init code that deploys `program` (a whole program, prefix included), laid out byte for byte as
 * cargo-stylus does, so a deploy transaction matches Arbitrum's:
 *
 *   PUSH32 len  DUP1  PUSH1 43  PUSH1 0  CODECOPY  PUSH1 0  RETURN  0x00 (version)  program
 *
 * CODECOPY(dest 0, offset 43, size len) copies the program into memory; RETURN(0, len) makes it
 * the account's code.
 */
export function deployCode(program: Uint8Array): Uint8Array {
  if (!isProgram(program)) {
    throw new ProgramFormatError(
      isWasmModule(program)
        ? 'deployCode takes a compressed program (EF F0 00, dictionary byte, brotli stream), not a raw WebAssembly module'
        : 'deployCode takes a Stylus program: the code does not start with EF F0 00',
    );
  }
  const out = new Uint8Array(DEPLOY_PRELUDE_LENGTH + program.length);
  out[0] = 0x7f; // PUSH32 <len>, big-endian
  let len = program.length;
  for (let i = 32; i >= 1 && len > 0; i--, len = Math.floor(len / 256)) out[i] = len % 256;
  out.set([0x80, 0x60, DEPLOY_PRELUDE_LENGTH, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, DEPLOY_PRELUDE_VERSION], 33);
  out.set(program, DEPLOY_PRELUDE_LENGTH);
  return out;
}
