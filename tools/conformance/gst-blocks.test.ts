/**
 * Block-STM and split execution against one-by-one execution on GeneralStateTests transactions
 * packed into blocks (gst-blocks.ts): a sample of folders here, every Cancun transaction with
 * `npm run gst-blocks`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureDir, jsonFiles } from './suite-check.js';
import { compareBlock, packTests, readTests } from './gst-blocks.js';

/** Folders with calls, creations, storage and refunds, self-destructs and random programs. */
const SAMPLE = /\/(stExample|stCallCodes|stSStoreTest|stCreate2|stRefundTest|stSelfBalance|stSystemOperationsTest|stRandom2)\//;

for (const mode of ['lanes', 'split'] as const) {
  test(`GeneralStateTests transactions (Cancun, a sample of folders) packed into blocks: ${mode === 'lanes' ? 'Block-STM' : 'split execution'} gives what one by one gives`, () => {
    const base = fixtureDir('ethereum-tests/GeneralStateTests');
    const files = jsonFiles(base).filter((f) => SAMPLE.test(f));
    assert.ok(files.length > 300, `${files.length} files`);
    const packings = packTests(readTests(files, base), 'Cancun');
    let transactions = 0;
    let parallel = 0;
    for (const [i, packing] of packings.entries()) {
      const outcome = compareBlock(packing, 'Cancun', i + 1, mode);
      assert.deepEqual(outcome.differences, [], outcome.tests);
      assert.equal(outcome.rejected, undefined, `${outcome.tests}: rejected`);
      transactions += outcome.transactions;
      if (outcome.parallel) parallel += outcome.transactions;
    }
    console.log(
      `${mode}: ${files.length} files, ${packings.length} blocks, ${transactions} transactions, ${parallel} of them in parallel batches`,
    );
    assert.ok(transactions > 1000, `${transactions} transactions`);
    // Nearly all of them ran in parallel (a block of one transaction is declined).
    assert.ok(parallel > transactions * 0.95, `${parallel} of ${transactions} in parallel`);
  });
}
