/** A worker thread of `polyvm statetest`: runs the files the main thread hands it. */
import { parentPort, workerData } from 'node:worker_threads';
import { runFile, type FileFilter } from './run-file.js';

interface WorkerInput {
  fork: string | undefined;
  run: string | undefined;
}

const input = workerData as WorkerInput;
const filter: FileFilter = { fork: input.fork, run: input.run === undefined ? undefined : new RegExp(input.run) };

parentPort!.on('message', (file: string | null) => {
  if (file === null) {
    process.exit(0);
  }
  parentPort!.postMessage(runFile(file, filter));
});
parentPort!.postMessage('ready');
