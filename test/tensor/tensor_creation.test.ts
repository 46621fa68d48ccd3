// Making tensors: shapes inferred from nested arrays, explicit shapes, dtypes (float32 rounds),
// scalars, empty tensors, the factories, and reading values back (item, toArray, tolist).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, full, ones, tensor, zeros, Tensor } from '../../src/tensor/tensor.js';

test('nested arrays give their shape; tolist gives them back', () => {
  const t = tensor([[[1, 2], [3, 4], [5, 6]]]);
  assert.deepEqual([...t.shape], [1, 3, 2]);
  assert.equal(t.rank, 3);
  assert.equal(t.size, 6);
  assert.deepEqual(t.tolist(), [[[1, 2], [3, 4], [5, 6]]]);
  assert.deepEqual(t.toArray(), [1, 2, 3, 4, 5, 6]);
});

test('dtype: float32 by default (rounded), float64 on request or from a Float64Array', () => {
  const a = tensor([0.1]);
  assert.equal(a.dtype, 'float32');
  assert.equal(a.item(), Math.fround(0.1));
  assert.equal(tensor([0.1], undefined, { dtype: 'float64' }).item(), 0.1);
  assert.equal(tensor(new Float64Array([0.1])).dtype, 'float64');
});

test('flat values with a shape, scalars, empty tensors', () => {
  assert.deepEqual(tensor([1, 2, 3, 4, 5, 6], [2, 3]).tolist(), [[1, 2, 3], [4, 5, 6]]);
  const s = tensor(5);
  assert.deepEqual([...s.shape], []);
  assert.equal(s.item(), 5);
  assert.equal(s.tolist(), 5);
  const e = tensor([]);
  assert.deepEqual([...e.shape], [0]);
  assert.equal(zeros([3, 0]).size, 0);
  assert.throws(() => tensor([1, 2, 3], [2, 2]), /expected 4 elements for shape \[2, 2\], got 3/);
});

test('factories', () => {
  assert.deepEqual(zeros([2, 2]).toArray(), [0, 0, 0, 0]);
  assert.deepEqual(ones([3]).toArray(), [1, 1, 1]);
  assert.deepEqual(full([2], 7, { dtype: 'float64' }).toArray(), [7, 7]);
  assert.deepEqual(arange(4).toArray(), [0, 1, 2, 3]);
  assert.equal(zeros([1], { requiresGrad: true }).requiresGrad, true);
  assert.equal(String(zeros([2, 3], { dtype: 'float64' })), 'Tensor(shape=[2, 3], dtype=float64)');
  assert.ok(new Tensor(new Float32Array(2), [2]).isLeaf);
});
