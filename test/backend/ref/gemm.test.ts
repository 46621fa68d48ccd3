// The reference gemm kernel against a triple loop written out here: all four transpose cases,
// overwrite and accumulate, operands and result at non-zero offsets inside larger buffers, sizes
// that miss the kernel's 2×4 blocking (1, odd, primes) or are empty, in float32 and float64.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm } from '../../../src/backend/ref/gemm.js';
import { assertClose, randArray } from '../../helpers/tensors.js';

// C[i,j] (+)= Σ_k op(A)[i,k] op(B)[k,j], reading A and B through their stored layouts.
function naiveGemm(
  tA: boolean, tB: boolean, M: number, N: number, K: number,
  A: ArrayLike<number>, aOff: number, B: ArrayLike<number>, bOff: number, C: number[], cOff: number, acc: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = tA ? A[aOff + k * M + i] : A[aOff + i * K + k];
        const b = tB ? B[bOff + j * K + k] : B[bOff + k * N + j];
        s += a * b;
      }
      C[cOff + i * N + j] = (acc ? C[cOff + i * N + j] : 0) + s;
    }
  }
}

const sizes: [number, number, number][] = [
  [1, 1, 1], [1, 5, 3], [4, 1, 2], [2, 4, 1], [3, 5, 7], [7, 13, 5], [5, 7, 13], [8, 8, 8], [9, 11, 17],
  [0, 3, 4], [3, 0, 4], [3, 4, 0],
];

for (const dtype of ['float32', 'float64'] as const) {
  for (const tA of [false, true]) {
    for (const tB of [false, true]) {
      test(`gemm ${dtype} transA=${tA} transB=${tB} matches the triple loop`, () => {
        let seed = 1;
        for (const [M, N, K] of sizes) {
          for (const acc of [false, true]) {
            for (const [aOff, bOff, cOff] of [[0, 0, 0], [3, 5, 2]]) {
              const A = randArray(aOff + M * K + 4, seed++, dtype);
              const B = randArray(bOff + K * N + 4, seed++, dtype);
              const C = randArray(cOff + M * N + 3, seed++, dtype);
              const expected = Array.from(C);
              naiveGemm(tA, tB, M, N, K, A, aOff, B, bOff, expected, cOff, acc);
              gemm(tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc);
              const tol = dtype === 'float32' ? 1e-5 : 1e-13;
              // Entries outside the result window must be untouched (expected keeps them as they were).
              assertClose(C, expected, tol, 0, `${M}x${N}x${K} acc=${acc} offs=${aOff},${bOff},${cOff}`);
            }
          }
        }
      });
    }
  }
}

test('gemm with K = 0 and accumulate=false writes zeros (not leftovers)', () => {
  const C = new Float64Array([5, 6, 7, 8]);
  gemm(false, false, 2, 2, 0, new Float64Array(0), 0, new Float64Array(0), 0, C, 0, false);
  assert.deepEqual(Array.from(C), [0, 0, 0, 0]);
});

test('gemm hand-computed 2x2 product and transposed variants', () => {
  // A = [[1,2],[3,4]], B = [[5,6],[7,8]]: AB = [[19,22],[43,50]], AᵀB = [[26,30],[38,44]],
  // ABᵀ = [[17,23],[39,53]], AᵀBᵀ = [[23,31],[34,46]].
  const A = new Float64Array([1, 2, 3, 4]), B = new Float64Array([5, 6, 7, 8]);
  const cases: [boolean, boolean, number[]][] = [
    [false, false, [19, 22, 43, 50]], [true, false, [26, 30, 38, 44]],
    [false, true, [17, 23, 39, 53]], [true, true, [23, 31, 34, 46]],
  ];
  for (const [tA, tB, want] of cases) {
    const C = new Float64Array(4);
    gemm(tA, tB, 2, 2, 2, A, 0, B, 0, C, 0, false);
    assert.deepEqual(Array.from(C), want, `transA=${tA} transB=${tB}`);
  }
});

test('gemm leaves the operands unchanged and does not disturb a second product (packing buffers)', () => {
  const A = randArray(6 * 5, 91), B = randArray(5 * 7, 92);
  const A0 = Array.from(A), B0 = Array.from(B);
  const C1 = new Float64Array(42), C2 = new Float64Array(6);
  gemm(true, false, 6, 7, 5, A, 0, B, 0, C1, 0, false);
  gemm(true, false, 2, 3, 1, new Float64Array([1, 2]), 0, new Float64Array([3, 4, 5]), 0, C2, 0, false);
  const want1: number[] = new Array(42).fill(0);
  naiveGemm(true, false, 6, 7, 5, A0, 0, B0, 0, want1, 0, false);
  assertClose(C1, want1, 1e-13);
  assert.deepEqual(Array.from(C2), [3, 4, 5, 6, 8, 10]);
  assert.deepEqual(Array.from(A), A0);
  assert.deepEqual(Array.from(B), B0);
});
