/**
 * Runs one blockchain test as geth's `evm blocktest` does: the genesis from its header and `pre`,
 * each block imported from its RLP in order (those marked `expectException` must be rejected, for
 * one of the reasons given), then the head and the state compared with the expected ones.
 */
import { bytesToHex, hexToBytes } from '../../primitives/bytes.js';
import { stateRoot } from '../../state/roots.js';
import { BlockTree, importErrorCode, importErrorCodes, type TreeBlock } from '../../chain/import.js';
import { headerHash } from '../../chain/header.js';
import type { BlockchainTest } from './blocktest-file.js';

export interface BlocktestResult {
  name: string;
  /** The test's network, e.g. `Prague` or `CancunToPragueAtTime15k`. */
  fork: string;
  pass: boolean;
  error: string;
}

function importBlock(tree: BlockTree, rlp: string): { block: TreeBlock } | { codes: string[]; message: string } {
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(rlp);
  } catch (e) {
    return { codes: ['BlockException.RLP_STRUCTURES_ENCODING'], message: `the RLP is not hex: ${(e as Error).message}` };
  }
  try {
    return { block: tree.importRlp(bytes) };
  } catch (e) {
    const codes = importErrorCodes(e);
    if (codes === undefined) throw e;
    const also = codes.length > 1 ? ` (it also breaks ${codes.slice(1).join(', ')})` : '';
    return { codes, message: (e as Error).message + also };
  }
}

export function runBlockchainTest(test: BlockchainTest): BlocktestResult {
  const result = (pass: boolean, error = ''): BlocktestResult => ({ name: test.name, fork: test.network, pass, error });
  const genesisHash = bytesToHex(headerHash(test.genesis));
  if (genesisHash !== test.genesisHash) return result(false, `genesis hash ${genesisHash}, expected ${test.genesisHash}`);
  let tree: BlockTree;
  try {
    tree = new BlockTree(test.schedule, test.chainId, { header: test.genesis, accounts: test.pre });
  } catch (e) {
    if (importErrorCode(e) === undefined) throw e;
    return result(false, `genesis: ${(e as Error).message}`);
  }
  for (const [i, block] of test.blocks.entries()) {
    const outcome = importBlock(tree, block.rlp);
    if (block.expectException === undefined) {
      if ('codes' in outcome) return result(false, `block ${i + 1} rejected: ${outcome.message}`);
      continue;
    }
    if ('block' in outcome) return result(false, `block ${i + 1} accepted, expected ${block.expectException}`);
    const expected = block.expectException.split('|').map((s) => s.trim());
    // Rejected for one of the reasons given: clients check a transaction's rules in different
    // orders, so the fixture may name another rule the transaction breaks than the first.
    if (!outcome.codes.some((code) => expected.includes(code))) {
      return result(false, `block ${i + 1} rejected as ${outcome.message}; expected ${block.expectException}`);
    }
  }
  const head = tree.head;
  if (head.hashHex !== test.lastBlockHash)
    return result(false, `head ${head.hashHex} (block ${head.header.number}), expected ${test.lastBlockHash}`);
  const expectedRoot = test.postState !== undefined ? bytesToHex(stateRoot(test.postState.entries())) : test.postStateHash!;
  const root = bytesToHex(head.header.stateRoot);
  if (root !== expectedRoot) return result(false, `state root ${root}, expected ${expectedRoot}${describeDifference(test, head)}`);
  return result(true);
}

/** The first accounts that differ from `postState`, for the failure message. */
function describeDifference(test: BlockchainTest, head: TreeBlock): string {
  if (test.postState === undefined) return '';
  const differences: string[] = [];
  const addresses = new Set([...test.postState.keys(), ...head.accounts.keys()]);
  for (const address of addresses) {
    const want = test.postState.get(address);
    const got = head.accounts.get(address);
    if (want === undefined || got === undefined) {
      differences.push(`${address} ${want === undefined ? 'unexpected' : 'missing'}`);
      continue;
    }
    if (want.balance !== got.balance) differences.push(`${address} balance ${got.balance}, expected ${want.balance}`);
    if (want.nonce !== got.nonce) differences.push(`${address} nonce ${got.nonce}, expected ${want.nonce}`);
    if (bytesToHex(want.codeHash) !== bytesToHex(got.codeHash)) differences.push(`${address} code differs`);
    const slots = new Set([...want.storage.keys(), ...got.storage.keys()]);
    for (const slot of slots) {
      const w = want.storage.get(slot) ?? 0n;
      const g = got.storage.get(slot) ?? 0n;
      if (w !== g) differences.push(`${address}[0x${slot.toString(16)}] ${g}, expected ${w}`);
    }
  }
  return differences.length === 0 ? '' : ` (${differences.slice(0, 4).join('; ')}${differences.length > 4 ? '; …' : ''})`;
}
