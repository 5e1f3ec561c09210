/** The node's state files (--state, --load-state, --dump-state): JSON dumps, written atomically. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { DevChain } from '../node/dev-chain.js';
import { DumpError, dumpChain, loadDump } from '../node/state-dump.js';
import { UsageError } from './args.js';

/** Loads `file` (polyvm's dump or Anvil's, JSON or gzipped JSON) into the chain. */
export function loadStateFile(chain: DevChain, file: string): void {
  let dump: unknown;
  try {
    const bytes = readFileSync(file);
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
    dump = JSON.parse(text.toString('utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the state file ${file}: ${(error as Error).message}`);
  }
  try {
    loadDump(chain, dump);
  } catch (error) {
    if (error instanceof DumpError) throw new UsageError(`the state file ${file}: ${error.message}`);
    throw error;
  }
}

/** Writes the chain to `file` through a temporary file renamed over it, so a crash leaves the old file whole. */
export function saveStateFile(chain: DevChain, file: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(dumpChain(chain)));
  renameSync(temporary, file);
}
