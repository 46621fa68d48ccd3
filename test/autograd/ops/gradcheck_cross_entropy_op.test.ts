// The fused softmaxCrossEntropy op: loss values against −log(exp(z_t)/Σexp(z)) computed here, for
// reductions mean / sum / none and row weights (0 drops a row; mean divides by Σ weights), and
// finite-difference gradients for each.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const N = 4, C = 5;
const targets = new Int32Array([2, 0, 4, 2]);

function rowLoss(z: ArrayLike<number>, i: number, t: number): number {
  let s = 0;
  for (let k = 0; k < C; k++) s += Math.exp(z[i * C + k]);
  return -Math.log(Math.exp(z[i * C + t]) / s);
}

test('softmaxCrossEntropy values for mean, sum and none, with and without row weights', () => {
  const z = rand64([N, C], 1, { lo: -3, hi: 3 });
  const l = Array.from({ length: N }, (_, i) => rowLoss(z.data, i, targets[i]));
  const none = ops.softmaxCrossEntropy(z, targets, null, 'none');
  assert.deepEqual([...none.shape], [N]);
  assertClose(none.data, l, 1e-13);
  assertClose(ops.softmaxCrossEntropy(z, targets, null, 'sum').data, [l[0] + l[1] + l[2] + l[3]], 1e-13);
  assertClose(ops.softmaxCrossEntropy(z, targets, null, 'mean').data, [(l[0] + l[1] + l[2] + l[3]) / 4], 1e-13);
  const w = new Float64Array([1, 0, 0.5, 2]);
  assertClose(ops.softmaxCrossEntropy(z, targets, w, 'sum').data, [l[0] + 0.5 * l[2] + 2 * l[3]], 1e-13);
  assertClose(ops.softmaxCrossEntropy(z, targets, w, 'mean').data, [(l[0] + 0.5 * l[2] + 2 * l[3]) / 3.5], 1e-13);
  assertClose(ops.softmaxCrossEntropy(z, targets, w, 'none').data, [l[0], 0, 0.5 * l[2], 2 * l[3]], 1e-13);
  assert.equal(ops.softmaxCrossEntropy(z, targets, null, 'mean').rank, 0);
});

test('gradcheck softmaxCrossEntropy for every reduction, with and without row weights', () => {
  const z = rand64([N, C], 2, { lo: -3, hi: 3 });
  for (const red of ['mean', 'sum', 'none'] as const) {
    for (const w of [null, new Float64Array([1, 0, 0.5, 2])]) check((t) => ops.softmaxCrossEntropy(t, targets, w, red), [z]);
  }
});

test('cross-entropy gradient is softmax − onehot (by hand, sum reduction)', () => {
  const z = tensor([[0, 0, Math.log(2)]], undefined, { dtype: 'float64', requiresGrad: true });
  ops.softmaxCrossEntropy(z, new Int32Array([2]), null, 'sum').backward();
  assertClose(z.grad!.data, [0.25, 0.25, -0.5], 1e-15);
});

test('a dropped row contributes no gradient, and an out-of-range target on it is not checked', () => {
  const z = rand64([2, 3], 3);
  const loss = ops.softmaxCrossEntropy(z, new Int32Array([1, -100]), new Float64Array([1, 0]), 'mean');
  loss.backward();
  assert.deepEqual(z.grad!.toArray().slice(3), [0, 0, 0]);
  assert.throws(() => ops.softmaxCrossEntropy(z, new Int32Array([1, 3]), null, 'mean'), /expected targets in \[0, 3\), got 3 at row 1/);
});

test('an all-dropped batch gives NaN under mean (0/0, as PyTorch)', () => {
  const z = rand64([2, 3], 4);
  assert.ok(Number.isNaN(ops.softmaxCrossEntropy(z, new Int32Array([0, 1]), new Float64Array([0, 0]), 'mean').item()));
});
