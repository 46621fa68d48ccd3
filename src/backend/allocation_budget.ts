// A scoped limit on the tensor memory a piece of code may ask for: while withAllocationBudget runs,
// every Storage made (and every large array a class allocates outside Storage, which charges itself
// through chargeAllocation) counts against a byte limit and a storage-count limit, and the request
// that would pass either is refused before anything is allocated. The checkpoint reader builds a
// model from the config a file claims inside such a scope, so that a 200-byte file saying
// `hiddenSize: 20000` or `numLayers: 1000000` is refused in microseconds instead of allocating
// gigabytes or building a million layers first. Outside a scope nothing is counted.

/** What a budget allows: bytes of tensor memory and the number of storages (tensors' memories). */
export interface AllocationLimit {
  readonly bytes: number;
  readonly storages: number;
}

/** A request past the limit of the innermost open budget; the message says what and how much. */
export class AllocationBudgetError extends Error {
  override readonly name = 'AllocationBudgetError';
}

interface Scope {
  readonly limit: AllocationLimit;
  readonly what: string;
  bytes: number;
  storages: number;
}

let scope: Scope | null = null;

/**
 * Runs `fn` with at most `limit.bytes` of tensor memory and `limit.storages` storages allocated in
 * it; `what` says where the limit comes from, for the error ("the file's 11 tensors of 1.1 KB and
 * 256 MB for what files do not store").
 * Budgets nest; the innermost one counts. Throws AllocationBudgetError from the refused request.
 */
export function withAllocationBudget<T>(limit: AllocationLimit, what: string, fn: () => T): T {
  const outer = scope;
  scope = { limit, what, bytes: 0, storages: 0 };
  try {
    return fn();
  } finally {
    scope = outer;
  }
}

/**
 * Counts `bytes` (and `storages` new storages) against the open budget, if any; throws before the
 * caller allocates when the budget would be passed. Storage's constructor calls this; so does code
 * that allocates large typed arrays of its own (an echo state network's reservoir).
 */
export function chargeAllocation(bytes: number, storages = 0): void {
  const s = scope;
  if (s === null) return;
  if (!(bytes >= 0 && s.bytes + bytes <= s.limit.bytes)) {
    throw new AllocationBudgetError(
      `expected at most ${formatBytes(s.limit.bytes)} of tensor memory (${s.what}), got a request for ${formatBytes(bytes)} after ${formatBytes(s.bytes)}`,
    );
  }
  if (s.storages + storages > s.limit.storages) {
    throw new AllocationBudgetError(`expected at most ${s.limit.storages} tensors (${s.what}), got a request for more`);
  }
  s.bytes += bytes;
  s.storages += storages;
}

/** '1.5 GB', '208 bytes': a byte count for messages. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} bytes`;
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
