// Integer operands of the wasm kernels (row ids, targets, lengths): checked in JavaScript before a
// kernel reads table rows at them unchecked, and copied into a block of the heap for the call.

import type { WasmHeap } from './heap.js';

/** An index array copied into a block of the heap (free it after the call). */
export function putIndices(h: WasmHeap, index: Int32Array, n = index.length): number {
  const p = h.alloc(4 * Math.max(n, 1));
  h.i32().set(n === index.length ? index : index.subarray(0, n), p >> 2);
  return p;
}

/**
 * Whether the first n indices all lie in [0, V). Where not, the caller takes the reference path, as for
 * any operand a kernel cannot take: the ops above the backend check indices and name a bad one.
 */
export function indicesFit(index: Int32Array, n: number, V: number): boolean {
  for (let i = 0; i < n; i++) { const r = index[i]; if (!(r >= 0 && r < V)) return false; }
  return true;
}
