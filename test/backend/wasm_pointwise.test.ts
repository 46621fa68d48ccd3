// The wasm whole-buffer kernels against the reference: same-shape add/sub/mul/div and the affine map
// must equal it bit for bit (one float32 rounding either way), the sum of squares within float64
// rounding, on lengths around the SIMD width and the chunk size (1, 3, 4, 5, 513, 16,387), with the
// output aliasing an input; what wasm does not take (broadcasting, float64, pow) must still be right.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binary, affineScalar, sumSquares } from '../../src/backend/wasm/pointwise.js';
import { binary as binaryRef, affineScalar as affineRef } from '../../src/backend/ref/pointwise.js';
import { sumSquares as sumSquaresRef } from '../../src/backend/ref/reduce.js';
import { Rng } from '../../src/tensor/random.js';
import { onEveryBuild } from './builds.js';

const LENGTHS = [1, 3, 4, 5, 513, 16387];

function randArray(rng: Rng, n: number, scale = 3): Float32Array {
  return Float32Array.from({ length: n }, () => scale * rng.uniform(-1, 1));
}

test('wasm same-shape add, sub, mul and div equal the reference bit for bit, also in place', () => {
  onEveryBuild((build) => {
    const rng = new Rng(11);
    for (const n of LENGTHS) for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      const a = randArray(rng, n), b = randArray(rng, n);
      if (op === 'div') b[0] = 0; // x/0 = ±Infinity on both sides
      const want = new Float32Array(n), got = new Float32Array(n);
      binaryRef(op, a, [n], b, [n], want, [n]);
      binary(op, a, [n], b, [n], got, [n], 1);
      assert.deepEqual(got, want, `${build} ${op} n=${n}`);
      const inPlace = a.slice();
      binary(op, inPlace, [n], b, [n], inPlace, [n], 1);
      assert.deepEqual(inPlace, want, `${build} ${op} n=${n} in place`);
    }
  });
});

test('wasm binary hands broadcasting, pow and float64 to the reference', () => {
  const a = Float32Array.from([1, 2, 3, 4, 5, 6]), b = Float32Array.from([10, 20, 30]);
  const out = new Float32Array(6);
  binary('add', a, [2, 3], b, [3], out, [2, 3], 1);
  assert.deepEqual([...out], [11, 22, 33, 14, 25, 36]);
  binary('pow', a, [6], Float32Array.from([2, 2, 2, 2, 2, 2]), [6], out, [6], 1);
  assert.deepEqual([...out], [1, 4, 9, 16, 25, 36]);
  const x = Float64Array.from([0.1, 0.2]), y = new Float64Array(2);
  binary('add', x, [2], x, [2], y, [2], 1);
  assert.deepEqual([...y], [0.2, 0.4]);
});

test('wasm affine map a·x + b equals the reference bit for bit (float64 arithmetic, one rounding)', () => {
  onEveryBuild((build) => {
    const rng = new Rng(12);
    for (const n of LENGTHS) for (const [a, b] of [[0.3, 0], [5 / (7 + 1e-6), 0], [-1.7, 0.25], [1e-30, 1e-38]]) {
      const x = randArray(rng, n);
      const want = new Float32Array(n), got = x.slice();
      affineRef(x, a, b, want);
      affineScalar(got, a, b, got, 1);
      assert.deepEqual(got, want, `${build} a=${a} b=${b} n=${n}`);
    }
  });
});

test('wasm sum of squares matches a float64 sum and the reference', () => {
  onEveryBuild((build) => {
    const rng = new Rng(13);
    for (const n of LENGTHS) {
      const x = randArray(rng, n, 100);
      let exact = 0;
      for (const v of x) exact += v * v;
      const got = sumSquares(x, 1);
      assert.ok(Math.abs(got - exact) <= 1e-12 * exact, `${build} n=${n}: ${got} vs ${exact}`);
      assert.ok(Math.abs(got - sumSquaresRef(x)) <= 1e-12 * exact);
    }
    assert.equal(sumSquares(Float32Array.from([3, 4, 12]), 1), 169);
    assert.ok(Number.isNaN(sumSquares(Float32Array.from([1, NaN, 2, 3, 4]), 1)));
    assert.equal(sumSquares(Float32Array.from([1, Infinity, 2, 3, 4]), 1), Infinity);
  });
});
