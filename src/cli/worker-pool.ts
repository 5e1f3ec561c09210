/** Runs jobs on worker threads: each worker says 'ready', then answers each job with one message. */
import { Worker } from 'node:worker_threads';

export async function runOnWorkers<Job, Outcome>(
  script: URL,
  workerData: unknown,
  jobs: readonly Job[],
  threads: number,
  onOutcome: (outcome: Outcome) => void,
  onError: (job: Job | undefined, error: Error) => void,
): Promise<void> {
  const queue = [...jobs];
  await Promise.all(
    Array.from(
      { length: Math.min(threads, jobs.length) },
      () =>
        new Promise<void>((resolve) => {
          const worker = new Worker(script, { workerData });
          let current: Job | undefined;
          worker.on('message', (message: Outcome | 'ready') => {
            if (message !== 'ready') onOutcome(message);
            current = queue.shift();
            worker.postMessage(current ?? null);
          });
          worker.on('error', (e) => {
            onError(current, e);
            resolve();
          });
          worker.on('exit', () => resolve());
        }),
    ),
  );
}
