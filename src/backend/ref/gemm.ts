// General matrix multiply on flat row-major buffers: C (+)= op(A) · op(B).
// Every transpose case is first packed so that the rows of op(A) and the columns of op(B) are
// contiguous along K; one register-blocked kernel (2 rows × 4 columns of C at a time) then does
// all the arithmetic. Packing costs O(MK + NK) against the O(MNK) product.

import type { FloatArray } from '../dtype.js';

// Reused packing buffers, grown on demand, so that repeated products allocate nothing.
let packA32 = new Float32Array(0);
let packB32 = new Float32Array(0);
let packA64 = new Float64Array(0);
let packB64 = new Float64Array(0);

function scratch(like: FloatArray, which: 'a' | 'b', n: number): FloatArray {
  if (like instanceof Float64Array) {
    if (which === 'a') return packA64.length >= n ? packA64 : (packA64 = new Float64Array(n));
    return packB64.length >= n ? packB64 : (packB64 = new Float64Array(n));
  }
  if (which === 'a') return packA32.length >= n ? packA32 : (packA32 = new Float32Array(n));
  return packB32.length >= n ? packB32 : (packB32 = new Float32Array(n));
}

/** Writes the transpose of the R×S matrix at src[off..] into dst (S×R). */
function transposeInto(src: FloatArray, off: number, R: number, S: number, dst: FloatArray): void {
  for (let r = 0; r < R; r++) {
    const row = off + r * S;
    for (let s = 0; s < S; s++) dst[s * R + r] = src[row + s];
  }
}

/**
 * C[M,N] = (accumulate ? C : 0) + op(A)[M,K] · op(B)[K,N].
 * A is stored [M,K] (or [K,M] when transA), B is stored [K,N] (or [N,K] when transB).
 */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: FloatArray, aOff: number, B: FloatArray, bOff: number,
  C: FloatArray, cOff: number, accumulate: boolean,
): void {
  // Bring both operands to "rows along K": a is [M,K], b is [N,K].
  let a = A, ao = aOff, b = B, bo = bOff;
  if (transA) { a = scratch(A, 'a', M * K); transposeInto(A, aOff, K, M, a); ao = 0; }
  if (!transB) { b = scratch(B, 'b', N * K); transposeInto(B, bOff, K, N, b); bo = 0; }
  gemmNT(M, N, K, a, ao, b, bo, C, cOff, accumulate);
}

// C[M,N] (+)= a[M,K] · b[N,K]^T, both operands contiguous along K.
function gemmNT(
  M: number, N: number, K: number, a: FloatArray, ao: number, b: FloatArray, bo: number,
  C: FloatArray, co: number, acc: boolean,
): void {
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a0 = ao + i * K, a1 = a0 + K;
    const c0 = co + i * N, c1 = c0 + N;
    let j = 0;
    for (; j + 3 < N; j += 4) {
      const b0 = bo + j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let k = 0; k < K; k++) {
        const x = a[a0 + k], y = a[a1 + k];
        const w0 = b[b0 + k], w1 = b[b1 + k], w2 = b[b2 + k], w3 = b[b3 + k];
        s0 += x * w0; s1 += x * w1; s2 += x * w2; s3 += x * w3;
        t0 += y * w0; t1 += y * w1; t2 += y * w2; t3 += y * w3;
      }
      if (acc) {
        C[c0 + j] += s0; C[c0 + j + 1] += s1; C[c0 + j + 2] += s2; C[c0 + j + 3] += s3;
        C[c1 + j] += t0; C[c1 + j + 1] += t1; C[c1 + j + 2] += t2; C[c1 + j + 3] += t3;
      } else {
        C[c0 + j] = s0; C[c0 + j + 1] = s1; C[c0 + j + 2] = s2; C[c0 + j + 3] = s3;
        C[c1 + j] = t0; C[c1 + j + 1] = t1; C[c1 + j + 2] = t2; C[c1 + j + 3] = t3;
      }
    }
    for (; j < N; j++) {
      const b0 = bo + j * K;
      let s = 0, t = 0;
      for (let k = 0; k < K; k++) { const w = b[b0 + k]; s += a[a0 + k] * w; t += a[a1 + k] * w; }
      if (acc) { C[c0 + j] += s; C[c1 + j] += t; } else { C[c0 + j] = s; C[c1 + j] = t; }
    }
  }
  for (; i < M; i++) {
    const a0 = ao + i * K, c0 = co + i * N;
    for (let j = 0; j < N; j++) {
      const b0 = bo + j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += a[a0 + k] * b[b0 + k];
      if (acc) C[c0 + j] += s; else C[c0 + j] = s;
    }
  }
}
