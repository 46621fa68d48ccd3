// Packed-rows copies of weights for batch-1 products (y = x·Wᵀ at M = 1: the input and output
// projections of a loop that calls model.forward one token at a time, through gemm, and the recurrent
// W_hh of a one-row forward loop, through forwardStep in ./assembly/gemv.ts). Read in place, a weight
// streams as four rows side by side (sgemm's M = 1 path), about 10 GB/s on this machine's Zen 3 for
// a 2-layer LSTM H = 512 whose 13 MB of weights do not fit in L2; packed six rows at a time
// (./assembly/gemv.ts) it is one contiguous stream, as charStepper reads it. The copy is made on the
// second product that finds the weight unchanged (its Storage version), so a training loop, whose
// weights change every step, never pays for packing; it is rebuilt when the version moves and freed
// with the weight (FinalizationRegistry). gemvPacked gives sgemm's bits at M = 1 when 4 divides N,
// the only case served here.

import type { Storage } from '../storage.js';
import type { WasmHeap } from './heap.js';
import type { WasmExports } from './module.js';

interface Packed {
  /** The weight version the copy (or the sighting, while ptr is 0) is of. */
  version: number;
  /** The packed block in the heap's linear memory, 0 until packed. */
  ptr: number;
  heap: WasmHeap;
}

const packs = new WeakMap<Storage, Packed>();
// The entry outlives its weight until this frees its block.
const freed = new FinalizationRegistry<Packed>((p) => { if (p.ptr !== 0) p.heap.free(p.ptr); });

/**
 * The address of W [N, K] (the whole of root storage w, row-major) packed for gemvPacked, or 0
 * where this product should read W in place: N not a multiple of 4, a view, or the first sighting of
 * this version of W.
 */
export function packedWeight(e: WasmExports, h: WasmHeap, w: Storage, N: number, K: number): number {
  if (N % 4 !== 0 || w.base !== null || w.length !== N * K) return 0;
  let p = packs.get(w);
  if (p === undefined) {
    p = { version: w.version, ptr: 0, heap: h };
    packs.set(w, p);
    freed.register(w, p);
    return 0;
  }
  if (p.version !== w.version) {
    // changed since: a sighting again (a weight that changes between products is not packed)
    if (p.ptr !== 0) { h.free(p.ptr); p.ptr = 0; }
    p.version = w.version;
    return 0;
  }
  if (p.ptr === 0) {
    p.ptr = h.alloc(e.packedRowsBytes(N, K));
    e.packRows(N, K, h.readPtr(w), K, p.ptr);
  }
  return p.ptr;
}
