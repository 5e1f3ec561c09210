/**
 * Reads a folder of compiler artifacts (Foundry's `out/`, Hardhat's `artifacts/`) into an
 * ArtifactIndex. Build-info and debug files are skipped; a file that is not JSON is named in the
 * error, since a half-read folder would give misleading names.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ArtifactError, ArtifactIndex, parseArtifact, type ContractArtifact } from '../trace/artifacts.js';
import { UsageError } from './args.js';

/** Largest artifact file read (Hardhat's build-info files are the big ones, and are skipped). */
const MAX_FILE_BYTES = 64 << 20;
const SKIPPED_FOLDERS = new Set(['build-info', 'cache', 'node_modules']);

export function loadArtifacts(dir: string): ArtifactIndex {
  let top;
  try {
    top = statSync(dir);
  } catch {
    throw new UsageError(`--artifacts: no such folder: ${dir}`);
  }
  if (!top.isDirectory()) throw new UsageError(`--artifacts: not a folder: ${dir}`);
  const contracts: ContractArtifact[] = [];
  const walk = (folder: string, depth: number) => {
    if (depth > 16) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path, depth + 1);
        continue;
      }
      if (!entry.name.endsWith('.json') || entry.name.endsWith('.dbg.json') || statSync(path).size > MAX_FILE_BYTES) continue;
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new UsageError(`--artifacts: ${path} is not JSON: ${(error as Error).message}`);
      }
      let contract: ContractArtifact | undefined;
      try {
        contract = parseArtifact(json, basename(entry.name, '.json'), path);
      } catch (error) {
        if (error instanceof ArtifactError) throw new UsageError(`--artifacts: ${error.message}`);
        throw error;
      }
      if (contract !== undefined) contracts.push(contract);
    }
  };
  walk(dir, 0);
  if (contracts.length === 0) throw new UsageError(`--artifacts: no contract artifacts (JSON with an "abi") under ${dir}`);
  return new ArtifactIndex(contracts);
}
