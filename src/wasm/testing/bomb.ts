/** Test support: decompression bombs, brotli streams that expand far beyond the program size limit. */
import assert from 'node:assert/strict';
import { constants, createBrotliCompress } from 'node:zlib';
import { concatBytes } from '../../primitives/bytes.js';

/**
 * A brotli stream of `chunks` × 16 MiB of zeros, built without compressing all of it: the
 * encoder's output for a flushed 16 MiB block of zeros after the first is the same bytes every
 * time, so the stream is the first block, that repeating block, and the end of the stream.
 */
export async function zeroBomb(chunks: number): Promise<Uint8Array> {
  const encoder = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_LGWIN]: 24 } });
  const pending: Buffer[] = [];
  encoder.on('data', (d: Buffer) => pending.push(d));
  const block = Buffer.alloc(1 << 24);
  const flushed: Buffer[] = [];
  for (let i = 0; i < 3; i++) {
    encoder.write(block);
    await new Promise<void>((done) => encoder.flush(constants.BROTLI_OPERATION_FLUSH, () => done()));
    flushed.push(Buffer.concat(pending.splice(0)));
  }
  encoder.end();
  await new Promise<void>((done) => encoder.on('end', done));
  const end = Buffer.concat(pending);
  const [first, repeat, again] = flushed as [Buffer, Buffer, Buffer];
  assert.ok(repeat.equals(again), 'the repeating block changed: the bomb cannot be built this way');
  return concatBytes(first, ...Array<Uint8Array>(chunks - 1).fill(repeat), end);
}
