/** The worker half of the wasm fuzz mode: generates and checks the cases the main thread names. */
import { parentPort } from 'node:worker_threads';
import { checkWasmCase } from './wasm.js';
import { generateWasmCase } from './wasm-generate.js';

parentPort!.on('message', ({ seed, index, slowMs }: { seed: number; index: number; slowMs: number }) => {
  parentPort!.postMessage(checkWasmCase(generateWasmCase(seed, index), { seed, index }, { slowMs }));
});
