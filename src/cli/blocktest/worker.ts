/** A worker thread of `polyvm blocktest`: runs the files the main thread hands it. */
import { parentPort, workerData } from 'node:worker_threads';
import { runBlocktestFile, type BlocktestFilter } from './run-file.js';

const input = workerData as { fork: string | undefined; run: string | undefined };
const filter: BlocktestFilter = { fork: input.fork, run: input.run === undefined ? undefined : new RegExp(input.run) };

parentPort!.on('message', (file: string | null) => {
  if (file === null) process.exit(0);
  parentPort!.postMessage(runBlocktestFile(file, filter));
});
parentPort!.postMessage('ready');
