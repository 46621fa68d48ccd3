// The reference permute's fast path for permutations that keep the last axis last (whole rows move:
// [B, T, E] ↔ [T, B, E], the batch-first recurrent layers' transposes) against an independent
// coordinate-by-coordinate permutation, for rows narrower and wider than its copy threshold.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { permute } from '../../../src/backend/ref/layout.js';

// out[i_0, …, i_{r−1}] = x[j] with x's coordinate perm[d] equal to i_d.
function naive(x: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length, outShape = perm.map((p) => shape[p]);
  const out = new Float32Array(x.length);
  for (let io = 0; io < x.length; io++) {
    let rem = io;
    const coord = new Array<number>(rank);
    for (let d = rank - 1; d >= 0; d--) { coord[perm[d]] = rem % outShape[d]; rem = Math.floor(rem / outShape[d]); }
    let j = 0;
    for (let d = 0; d < rank; d++) j = j * shape[d] + coord[d];
    out[io] = x[j];
  }
  return out;
}

test('permute keeping the last axis equals a coordinate-wise permutation', () => {
  const cases: [number[], number[]][] = [
    [[3, 5, 17], [1, 0, 2]], [[2, 7, 3], [1, 0, 2]], [[1, 1, 1], [1, 0, 2]], [[4, 3, 2, 19], [2, 0, 1, 3]],
    [[5, 1, 16], [1, 0, 2]], [[6, 20], [0, 1]], [[2, 3, 5, 7], [1, 2, 0, 3]],
  ];
  for (const [shape, perm] of cases) {
    const n = shape.reduce((a, d) => a * d, 1);
    const x = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
    const out = new Float32Array(n);
    permute(x, shape, perm, out);
    assert.deepEqual(out, naive(x, shape, perm), `shape ${shape} perm ${perm}`);
  }
});
