// Kernels on plain typed arrays, for callers that hold arrays rather than Storages: the fused
// recurrent ops' TypeScript loops and the samplers, until they become backend operations. Each call
// wraps only the windows it touches, so the current backend copies those in and the result back.

import type { FloatArray } from './dtype.js';
import { getBackend } from './backend.js';
import { Storage } from './storage.js';

/**
 * C[M, N] = (accumulate ? C : 0) + op(A) · op(B) on arrays (see Backend.gemm), on the current
 * backend; C's window [cOff, cOff + M·N) holds the result afterwards.
 */
export function hostGemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: FloatArray, aOff: number, B: FloatArray, bOff: number, C: FloatArray, cOff: number, accumulate: boolean,
): void {
  const a = Storage.wrap(A.subarray(aOff, aOff + M * K)), b = Storage.wrap(B.subarray(bOff, bOff + K * N));
  const c = Storage.wrap(C.subarray(cOff, cOff + M * N));
  getBackend().gemm(transA, transB, M, N, K, a, 0, b, 0, c, 0, accumulate);
  c.read(); // brings the result into C's window (the storage adopted it as its host copy)
}
