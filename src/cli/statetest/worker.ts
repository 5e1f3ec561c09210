/** A worker thread of `polyvm statetest`: runs the files the main thread hands it. */
import { parentPort, workerData } from 'node:worker_threads';
import { runFile, type FileFilter } from './run-file.js';
import { createMachines } from '../../exec/code.js';
import type { JitMode } from '../../evm/code-cache.js';

interface WorkerInput {
  fork: string | undefined;
  run: string | undefined;
  jit: JitMode | undefined;
}

const input = workerData as WorkerInput;
const filter: FileFilter = { fork: input.fork, run: input.run === undefined ? undefined : new RegExp(input.run) };
const machines = createMachines({ jit: input.jit });

parentPort!.on('message', (file: string | null) => {
  if (file === null) {
    process.exit(0);
  }
  parentPort!.postMessage(runFile(file, filter, { machines }));
});
parentPort!.postMessage('ready');
