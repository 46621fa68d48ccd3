// Shared pieces of the core tests: float64 tensors from a seeded generator, an element-wise
// closeness assertion that names the worst entry, and a gradcheck wrapper that also asserts each
// input's gradient has the input's shape (the adjoint of broadcasting and of reductions).

import assert from 'node:assert/strict';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { gradcheck, type GradcheckOptions } from '../../src/autograd/index.js';
import type { DType } from '../../src/backend/dtype.js';

/** A float64 tensor with entries U(lo, hi) from a seeded generator, requiring grad by default. */
export function rand64(shape: number[], seed: number, opts: { lo?: number; hi?: number; grad?: boolean } = {}): Tensor {
  const rng = new Rng(seed);
  const lo = opts.lo ?? -1, hi = opts.hi ?? 1;
  const n = shape.reduce((a, d) => a * d, 1);
  const v = Array.from({ length: n }, () => rng.uniform(lo, hi));
  return tensor(v, shape, { dtype: 'float64', requiresGrad: opts.grad ?? true });
}

/** Plain random numbers (no tensor), for kernel tests. */
export function randArray(n: number, seed: number, dtype: DType = 'float64'): Float32Array | Float64Array {
  const rng = new Rng(seed);
  const out = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-1, 1);
  return out;
}

/** Asserts |actual − expected| ≤ atol + rtol·|expected| element-wise, naming the worst entry. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-12, rtol = 0, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e)) { assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`); continue; }
    if (a !== e && !(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${what}[${i}]: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)})`);
    }
  }
}

/**
 * gradcheck plus: every input that requires grad ends with a .grad of exactly its own shape and
 * dtype. Returns the largest analytic/numeric difference.
 */
export function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): number {
  const res = gradcheck(fn, inputs, options);
  assert.ok(res.ok);
  for (const [i, t] of inputs.entries()) {
    if (!t.requiresGrad) continue;
    assert.ok(t.grad !== null, `input ${i} got no gradient`);
    assert.deepEqual([...t.grad.shape], [...t.shape], `input ${i}: gradient shape`);
    assert.equal(t.grad.dtype, t.dtype, `input ${i}: gradient dtype`);
  }
  return res.maxAbsError;
}

/** Flat row-major index of `idx` in `shape`. */
export function flatIndex(idx: number[], shape: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

/** All multi-indices of a shape, in row-major order. */
export function* allIndices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, d) => a * d, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
}
