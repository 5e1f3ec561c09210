/**
 * Dumping and loading the whole chain as JSON: anvil_dumpState / anvil_loadState and the node's
 * --state, --dump-state and --load-state files.
 *
 * polyvm's own dump ("polyvm-chain") holds every block and the latest state, and loads back into
 * the same chain. Anvil's dump (its `anvil_dumpState` / `--dump-state` JSON: `block`, `accounts`,
 * `best_block_number`, `blocks`, ...) is read for its accounts: balances, nonces, code and
 * storage go into this chain's state as one change on top of its latest block; Anvil's blocks
 * are not imported (their bodies are Anvil's own format), so the chain keeps its own history.
 */
import type { Address } from '../primitives/address.js';
import { bigintToHex as q, bytesToHex, hexToBytes } from '../primitives/bytes.js';
import { Account } from '../state/account.js';
import type { Block } from '../chain/block.js';
import { decodeBlockRecord, encodeBlockRecord } from './block-record.js';
import { ForkedChainError } from './errors.js';
import type { DevChain } from './dev-chain.js';
import * as p from './rpc/params.js';

export const DUMP_FORMAT = 'polyvm-chain';
export const DUMP_VERSION = 1;

/** A dump that cannot be loaded; the message says why and where. */
export class DumpError extends Error {
  override name = 'DumpError';
}

export function dumpChain(chain: DevChain): Record<string, unknown> {
  if (chain.fork !== undefined) {
    throw new ForkedChainError("a forked chain cannot be dumped: its state is the remote's, read as needed, with local changes on top");
  }
  const accounts: Record<string, unknown> = {};
  for (const [address, account] of chain.state.accountEntries()) {
    const storage: Record<string, string> = {};
    for (const [slot, value] of account.storage) if (value !== 0n) storage[q(slot)] = q(value);
    accounts[address] = { nonce: q(account.nonce), balance: q(account.balance), code: bytesToHex(account.code), storage };
  }
  return {
    format: DUMP_FORMAT,
    version: DUMP_VERSION,
    chainId: q(chain.chainId),
    fork: chain.rules.name,
    blocks: chain.blocks.all().map((b) => bytesToHex(encodeBlockRecord(b))),
    accounts,
  };
}

/** Accounts as both dumps write them: {address: {nonce, balance, code, storage: {slot: value}}}. */
function readAccounts(value: unknown): Map<Address, Account> {
  const accounts = new Map<Address, Account>();
  for (const [address, raw] of Object.entries(p.object(value, 'accounts'))) {
    const at = `accounts.${address.slice(0, 42)}`;
    const o = p.object(raw, at);
    const account = new Account();
    account.nonce = p.uint64(o.nonce ?? 0, `${at}.nonce`);
    account.balance = p.quantity(o.balance ?? '0x0', `${at}.balance`);
    account.setCode(p.data(o.code ?? '0x', `${at}.code`));
    for (const [slot, v] of Object.entries(p.object(o.storage ?? {}, `${at}.storage`))) {
      const word = p.word(v, `${at}.storage[${slot.slice(0, 66)}]`);
      if (word !== 0n) account.storage.set(p.word(slot, `${at}.storage key`), word);
    }
    accounts.set(p.address(address, 'accounts key'), account);
  }
  return accounts;
}

/** Whether `dump` looks like Anvil's state dump. */
function isAnvilDump(dump: Record<string, unknown>): boolean {
  return dump.format === undefined && typeof dump.accounts === 'object' && ('block' in dump || 'best_block_number' in dump);
}

/** Loads a dump (either format, parsed JSON) into `chain`; returns which format it was. */
export function loadDump(chain: DevChain, value: unknown): 'polyvm' | 'anvil' {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DumpError('a state dump is a JSON object');
  const dump = value as Record<string, unknown>;
  try {
    if (isAnvilDump(dump)) {
      const accounts = readAccounts(dump.accounts);
      chain.changeState((state) => {
        for (const [address, account] of accounts) state.putAccount(address, account);
      });
      return 'anvil';
    }
    if (dump.format !== DUMP_FORMAT) throw new DumpError(`not a ${DUMP_FORMAT} dump nor an Anvil state dump`);
    if (dump.version !== DUMP_VERSION) throw new DumpError(`dump version ${String(dump.version)} is not ${DUMP_VERSION}`);
    if (dump.chainId !== q(chain.chainId))
      throw new DumpError(`the dump is of chain ${String(dump.chainId)}, this chain is ${q(chain.chainId)}`);
    if (dump.fork !== chain.rules.name)
      throw new DumpError(`the dump is of a ${String(dump.fork)} chain, this chain runs ${chain.rules.name}`);
    if (!Array.isArray(dump.blocks) || dump.blocks.length === 0) throw new DumpError('the dump has no blocks');
    const blocks: Block[] = (dump.blocks as unknown[]).map((hex, i) => {
      try {
        return decodeBlockRecord(hexToBytes(String(hex)));
      } catch (error) {
        throw new DumpError(`blocks[${i}]: ${(error as Error).message}`);
      }
    });
    blocks.forEach((block, i) => {
      if (block.header.number !== BigInt(i)) throw new DumpError(`block ${i} has number ${block.header.number}`);
      if (i > 0 && !blocks[i - 1]!.hash.every((b, j) => b === block.header.parentHash[j]))
        throw new DumpError(`block ${i} does not follow block ${i - 1}`);
    });
    chain.replaceChain(blocks, readAccounts(dump.accounts));
    return 'polyvm';
  } catch (error) {
    if (error instanceof DumpError) throw error;
    // The parameter readers' messages name the field ("accounts.0x12...balance: expected ...").
    throw new DumpError((error as Error).message.replace(/^invalid params: /, ''));
  }
}
