/**
 * What the EVM keeps per contract code: the jump-destination and PUSH analysis, the basic blocks
 * per fork, and the compiled form once the code is hot; and, beside it, the stacks and memories
 * finished frames give back (memory.ts's FramePool). One cache per engine (each `createEvm`,
 * dev chain or statetest worker makes its own), keyed by a hash of the code and bounded (least
 * recently used dropped first), so two engines never share an entry and changed code never meets
 * a stale one; a front map by the code array's identity makes repeated calls skip the hashing.
 * The hash is a fast 32-bit one, and a hit is checked byte for byte: keccak256 would cost about
 * 1 ms for 17 KB of code here, more than analysing it, and a cold call pays it.
 *
 * Tier-up (`jit: 'auto'`): a code's regions are compiled one by one as they get hot
 * (compiler/compile.ts); `'always'` compiles each region on first entry, `'never'` interprets.
 */
import { analyzeCode, type CodeAnalysis } from './analysis.js';
import { analyzeBlocks, type BlockAnalysis } from './blocks.js';
import type { OpcodeTable } from './table.js';
import { CompiledCode, compilerAvailable, type CompileStats, type TierUpRule } from './compiler/compile.js';
import type { CodegenLimits } from './compiler/codegen.js';
import { equalBytes } from '../primitives/bytes.js';
import { FramePool } from './memory.js';
import { HashCache } from './hash-cache.js';

/** When EVM code is compiled to JavaScript: never, on first call, or once hot. */
export type JitMode = 'always' | 'never' | 'auto';
export const JIT_MODES: readonly JitMode[] = ['auto', 'always', 'never'];

export interface CodeCacheOptions {
  /** Default 'auto'. */
  jit?: JitMode;
  /** Entries kept (default 4096). */
  capacity?: number;
  /** The compiler's size limits (tests lower them). */
  limits?: CodegenLimits;
  /** When `'auto'` compiles a region (compiler/compile.ts). */
  tierUp?: TierUpRule;
}

/** How an engine gets its code cache: a new one with these options, or one it is handed to share. */
export type CodeCacheChoice = CodeCacheOptions & { codeCache?: CodeCache };

/** Counters of what the cache did, for benchmarks and tests. */
export interface CodeCacheStats extends CompileStats {
  /** Codes analysed (jump destinations and PUSH values). */
  analyses: number;
}

/** One fork's view of a code: its blocks, and its compiled tier once a frame runs it with the compiler on. */
interface Tier {
  readonly blocks: BlockAnalysis;
  compiled: CompiledCode | undefined;
}

export class CodeEntry {
  private readonly tiers = new Map<OpcodeTable, Tier>();

  constructor(
    readonly code: Uint8Array,
    readonly analysis: CodeAnalysis,
    private readonly cache: CodeCache,
  ) {}

  get jit(): JitMode {
    return this.cache.jit;
  }

  /** The engine's stacks and memories for frames to reuse. */
  get pool(): FramePool {
    return this.cache.framePool;
  }

  /** The engine's last KECCAK256 results (hash-cache.ts). */
  get hashes(): HashCache {
    return (this.cache.hashCache ??= new HashCache());
  }

  private tier(table: OpcodeTable): Tier {
    let tier = this.tiers.get(table);
    if (tier === undefined) {
      tier = { blocks: analyzeBlocks(this.code, table, this.analysis.jumpDestinations), compiled: undefined };
      this.tiers.set(table, tier);
    }
    return tier;
  }

  blocks(table: OpcodeTable): BlockAnalysis {
    return this.tier(table).blocks;
  }

  /** The compiled tier (its regions compile as they get hot); undefined where code generation is forbidden. */
  compiled(table: OpcodeTable): CompiledCode | undefined {
    const tier = this.tier(table);
    if (tier.compiled === undefined && compilerAvailable())
      tier.compiled = this.cache.compiledTier(this.code, table, tier.blocks, this.analysis);
    return tier.compiled;
  }
}

export class CodeCache {
  readonly jit: JitMode;
  private readonly capacity: number;
  private readonly limits: CodegenLimits | undefined;
  private readonly tierUp: TierUpRule | undefined;
  private readonly byHash = new Map<string, CodeEntry>();
  private byCode = new WeakMap<Uint8Array, CodeEntry>();
  /** Stacks and memories of finished frames (memory.ts): the engine's, like its code. */
  readonly framePool = new FramePool();
  /** @internal The last KECCAK256 results, made on the first hash (CodeEntry.hashes). */
  hashCache: HashCache | undefined = undefined;
  readonly stats: CodeCacheStats = { analyses: 0, compilations: 0, declined: 0, compileMs: 0, sourceSize: 0 };

  constructor(options: CodeCacheOptions = {}) {
    this.jit = options.jit ?? 'auto';
    this.capacity = options.capacity ?? 4096;
    this.limits = options.limits;
    this.tierUp = options.tierUp;
  }

  /** The entry for `code`, analysing it on first sight. */
  entry(code: Uint8Array): CodeEntry {
    let entry = this.byCode.get(code);
    if (entry !== undefined) return entry;
    const hash = codeKey(code);
    entry = this.byHash.get(hash);
    if (entry !== undefined) this.byHash.delete(hash); // re-inserted below as the most recent
    // A different code with the same key (a collision) replaces the entry.
    if (entry === undefined || (entry.code !== code && !equalBytes(entry.code, code))) {
      entry = new CodeEntry(code, analyzeCode(code), this);
      this.stats.analyses++;
      if (this.byHash.size >= this.capacity) {
        const oldest = this.byHash.keys().next().value!;
        this.byHash.delete(oldest);
        // Entries dropped by hash may still be reachable by identity: start that map afresh.
        this.byCode = new WeakMap();
      }
    }
    this.byHash.set(hash, entry);
    this.byCode.set(code, entry);
    return entry;
  }

  /** Entries held. */
  get size(): number {
    return this.byHash.size;
  }

  /** @internal A code's compiled tier, counting into this cache's stats. */
  compiledTier(code: Uint8Array, table: OpcodeTable, blocks: BlockAnalysis, analysis: CodeAnalysis): CompiledCode {
    return new CompiledCode(code, table, blocks, analysis, this.stats, this.limits, this.tierUp);
  }
}

/**
 * The cache key of a code: its length and a 32-bit hash of its bytes, four at a time (a byte at a
 * time was 7% of a cold call's profile). Each 32-bit word is multiplied, rotated and folded into
 * the state (the shape of MurmurHash3's body); the last one to three bytes go in one word.
 */
function codeKey(code: Uint8Array): string {
  const n = code.length;
  const whole = n & ~3;
  let h = n;
  let i = 0;
  for (; i < whole; i += 4) {
    let k = code[i]! | (code[i + 1]! << 8) | (code[i + 2]! << 16) | (code[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  for (let shift = 0; i < n; i++, shift += 8) tail |= code[i]! << shift;
  h ^= Math.imul(tail, 0xcc9e2d51);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return `${n}:${(h >>> 0).toString(36)}`;
}
