// Misuse of the core ops gets an error naming what was expected and what was given: shapes that do
// not broadcast, matmul inner dimensions, embedding indices out of range, mixed dtypes, bad axes,
// ragged nested arrays and element counts that do not fit the shape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../src/autograd/index.js';
import { Tensor, tensor, zeros } from '../../src/tensor/tensor.js';

test('broadcast mismatch names both shapes and the axis', () => {
  assert.throws(() => ops.add(zeros([2, 3]), zeros([4, 3])), {
    message: 'shapes [2, 3] and [4, 3] do not broadcast (axis 0: 2 vs 4)',
  });
  assert.throws(() => ops.mul(zeros([3, 1, 5]), zeros([4, 2])), /shapes \[3, 1, 5\] and \[4, 2\] do not broadcast \(axis 2: 5 vs 2\)/);
  assert.throws(() => ops.where(zeros([2]), zeros([3]), zeros([3])), /shapes \[2\] and \[3\] do not broadcast/);
});

test('matmul inner-dimension mismatch names the expected and actual shapes', () => {
  assert.throws(() => ops.matmul(zeros([2, 3]), zeros([4, 5])), {
    message: 'matmul: expected b of shape [..., 3, N] to match a [2, 3], got [4, 5]',
  });
  assert.throws(() => ops.matmul(zeros([3]), zeros([2])), /expected b of shape \[\.\.\., 3, N\] to match a \[3\], got \[2\]/);
  assert.throws(() => ops.matmul(zeros([2, 2, 3]), zeros([3, 3, 4])), /shapes \[2\] and \[3\] do not broadcast/);
  assert.throws(() => ops.matmul(zeros([]), zeros([2])), /rank >= 1/);
  assert.throws(() => ops.linear(zeros([2, 5]), zeros([3, 4])), { message: 'linear: expected input of shape [..., 4], got [2, 5]' });
  assert.throws(() => ops.linear(zeros([2, 4]), zeros([3, 4]), zeros([4])), { message: 'linear: expected a bias of shape [3], got [4]' });
});

test('embedding index out of range names the range, the value and its position', () => {
  const table = zeros([5, 2]);
  assert.throws(() => ops.embedding(table, ops.indices([0, 4, 5])), { message: 'embedding: expected indices in [0, 5), got 5 at position 2' });
  assert.throws(() => ops.embedding(table, ops.indices([-1])), /expected indices in \[0, 5\), got -1 at position 0/);
  assert.throws(() => ops.embedding(zeros([5]), ops.indices([0])), /expected a table of shape \[V, E\], got \[5\]/);
});

test('mixed dtypes, bad axes, ragged arrays, wrong element counts', () => {
  assert.throws(() => ops.add(zeros([2]), zeros([2], { dtype: 'float64' })), /add: expected tensors of one dtype, got float32 and float64/);
  assert.throws(() => ops.sum(zeros([2, 3]), 2), /axis 2 is out of range for a tensor of rank 2/);
  assert.throws(() => ops.softmax(zeros([2, 3]), -3), /axis -3 is out of range for a tensor of rank 2/);
  assert.throws(() => tensor([[1, 2], [3]]), /ragged nested array: expected 2 entries at depth 1, got 1 entries/);
  assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), /expected 6 elements for shape \[2, 3\], got 5/);
  assert.throws(() => zeros([2, -1]), /expected a shape of non-negative integers, got \[2, -1\]/);
  assert.throws(() => zeros([2, 3]).item(), /item\(\) expects a tensor with one element, got shape \[2, 3\]/);
});
