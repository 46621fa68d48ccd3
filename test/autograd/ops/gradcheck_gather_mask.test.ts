// embedding and selectRows (row lookups; the gradient adds up over repeated indices), where and maskedFill
// (gradients only to the chosen side, summed over broadcast axes): values by hand, gradients
// against finite differences.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { check, rand64 } from '../../helpers/tensors.js';

test('embedding looks up rows, output shape [...idx, E]', () => {
  const table = tensor([[0, 1], [10, 11], [20, 21]]);
  const y = ops.embedding(table, ops.indices([2, 0, 2, 1], [2, 2]));
  assert.deepEqual([...y.shape], [2, 2, 2]);
  assert.deepEqual(y.tolist(), [[[20, 21], [0, 1]], [[20, 21], [10, 11]]]);
});

test('embedding gradient counts repeated indices (by hand and by finite differences)', () => {
  const table = rand64([4, 3], 1);
  const idx = ops.indices([1, 3, 1, 1, 0], [5]);
  ops.sum(ops.embedding(table, idx)).backward();
  assert.deepEqual(table.grad!.toArray(), [1, 1, 1, 3, 3, 3, 0, 0, 0, 1, 1, 1]);
  const idx2 = ops.indices([2, 2, 0, 3, 2, 0], [2, 3]);
  check((t) => ops.tanh(ops.embedding(t, idx2)), [table]);
});

test('selectRows picks whole rows of any rank along axis 0; repeated rows add their gradients', () => {
  const x = tensor([[[0, 1], [2, 3]], [[10, 11], [12, 13]], [[20, 21], [22, 23]]]); // [3, 2, 2]
  const y = ops.selectRows(x, Int32Array.from([2, 0, 2]));
  assert.deepEqual(y.tolist(), [[[20, 21], [22, 23]], [[0, 1], [2, 3]], [[20, 21], [22, 23]]]);
  const v = rand64([4, 3], 4);
  ops.sum(ops.selectRows(v, Int32Array.from([3, 3, 0]))).backward();
  assert.deepEqual(v.grad!.toArray(), [1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2]);
  check((t) => ops.tanh(ops.selectRows(t, Int32Array.from([1, 3, 1]))), [rand64([4, 3], 5)]);
  assert.throws(() => ops.selectRows(v, Int32Array.from([4])), /expected indices in \[0, 4\), got 4 at position 0/);
});

test('indices rejects non-integers and wrong counts', () => {
  assert.throws(() => ops.indices([1, 2.5]), /expected integer indices, got 2.5 at position 1/);
  assert.throws(() => ops.indices([1, 2, 3], [2, 2]), /expected 4 indices for shape \[2, 2\], got 3/);
});

test('where chooses by condition with broadcasting', () => {
  const cond = tensor([[1], [0]]);
  const a = tensor([1, 2, 3]), b = tensor([[10, 20, 30], [40, 50, 60]]);
  assert.deepEqual(ops.where(cond, a, b).tolist(), [[1, 2, 3], [40, 50, 60]]);
});

test('where gradients go only to the chosen side, with each input\'s shape', () => {
  const cond = tensor([[1, 0, 1], [0, 0, 1]], undefined, { dtype: 'float64' });
  const a = rand64([3], 2), b = rand64([2, 1], 3);
  check((x, y) => ops.mul(ops.where(cond, x, y), ops.where(cond, y, x)), [a, b]);
  const a2 = tensor([1, 2, 3], undefined, { dtype: 'float64', requiresGrad: true });
  const b2 = tensor([[4], [5]], undefined, { dtype: 'float64', requiresGrad: true });
  ops.sum(ops.where(cond, a2, b2)).backward();
  assert.deepEqual(a2.grad!.toArray(), [1, 0, 2]); // column sums of cond
  assert.deepEqual(b2.grad!.toArray(), [1, 2]); // row counts of !cond
});

test('maskedFill puts the value at masked positions and blocks their gradient', () => {
  const x = tensor([[1, 2], [3, 4]], undefined, { dtype: 'float64', requiresGrad: true });
  const mask = tensor([0, 1], undefined, { dtype: 'float64' });
  const y = ops.maskedFill(x, mask, -1e9);
  assert.deepEqual(y.toArray(), [1, -1e9, 3, -1e9]);
  ops.sum(ops.mul(y, y.detach().abs().sqrt())).backward();
  assert.deepEqual(x.grad!.toArray(), [1, 0, Math.sqrt(3), 0]);
  const z = rand64([3, 4], 4);
  const m = tensor([[0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 1]], undefined, { dtype: 'float64' });
  check((t) => ops.softmax(ops.maskedFill(t, m, -50)), [z]);
});
