// How many threads a training run uses: an explicit request wins; otherwise UNFOLD_THREADS from
// the environment; otherwise 2 where they pay (Node with worker_threads, SharedArrayBuffer and at
// least two cores), else 1. Browsers without cross-origin isolation have no SharedArrayBuffer.

import { availableParallelism } from 'node:os';

/** Whether this runtime can share memory between threads at all. */
export function threadsSupported(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
}

function fromEnv(): number | null {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.UNFOLD_THREADS ?? '';
  if (v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`UNFOLD_THREADS: expected a positive integer, got '${v}'`);
  return n;
}

/**
 * Threads for a data-parallel training step.
 * @param requested 0 (or undefined) for automatic, else the count asked for.
 */
export function resolveThreads(requested?: number): number {
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 0)) {
    throw new Error(`expected threads to be an integer >= 0 (0: automatic), got ${String(requested)}`);
  }
  if (!threadsSupported()) return 1;
  if (requested !== undefined && requested > 0) return requested;
  return fromEnv() ?? Math.min(2, availableParallelism());
}
