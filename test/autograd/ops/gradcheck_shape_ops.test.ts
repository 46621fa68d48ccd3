// Shape operations (reshape, permute, transpose, slice, select, chunk, concat, stack, unsqueeze,
// squeeze, broadcastTo): values against index arithmetic written here, gradients against finite
// differences. Each is composed with a non-linear map so that a misplaced gradient shows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { allIndices, check, flatIndex, rand64 } from '../../helpers/tensors.js';

const sq = (t: Tensor): Tensor => ops.mul(t, ops.tanh(t)); // a non-linear, position-independent map

test('reshape (with -1) keeps row-major order and checks the size', () => {
  const x = tensor([1, 2, 3, 4, 5, 6]);
  assert.deepEqual(ops.reshape(x, [2, -1]).tolist(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([...ops.reshape(x, [-1, 1, 3]).shape], [2, 1, 3]);
  assert.throws(() => ops.reshape(x, [4, -1]), /cannot view 6 elements of shape \[6\] as \[4, -1\]/);
  const x64 = rand64([2, 3, 2], 1);
  check((t) => sq(ops.reshape(t, [3, 4])), [x64]);
  check((t) => sq(ops.reshape(t, [-1])), [x64]);
});

test('permute and transpose values and gradients', () => {
  const x = rand64([2, 3, 4], 2);
  const y = ops.permute(x, [2, 0, 1]);
  assert.deepEqual([...y.shape], [4, 2, 3]);
  for (const [k, i, j] of allIndices([4, 2, 3])) assert.equal(y.data[flatIndex([k, i, j], y.shape)], x.data[flatIndex([i, j, k], x.shape)]);
  assert.deepEqual(ops.transpose(tensor([[1, 2, 3], [4, 5, 6]])).tolist(), [[1, 4], [2, 5], [3, 6]]);
  for (const perm of [[2, 0, 1], [1, 0, 2], [0, 2, 1], [-1, 0, 1]]) check((t) => sq(ops.permute(t, perm)), [x]);
  check((t) => sq(ops.transpose(t, 0, 2)), [x]);
  check((t) => sq(ops.transpose(t)), [x]);
  assert.throws(() => ops.permute(x, [0, 0, 1]), /expected a permutation of 3 axes, got \[0, 0, 1\]/);
});

test('slice and select values and gradients on every axis', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(ops.slice(x, 1, 1, 3).tolist(), [[2, 3], [5, 6]]);
  assert.deepEqual(ops.slice(x, 0, 1, 2).tolist(), [[4, 5, 6]]);
  assert.deepEqual(ops.select(x, 1, -1).toArray(), [3, 6]);
  assert.deepEqual(ops.select(x, 0, 0).toArray(), [1, 2, 3]);
  assert.deepEqual([...ops.slice(x, 1, 2, 2).shape], [2, 0]);
  const y = rand64([3, 4, 5], 3);
  for (const axis of [0, 1, 2]) {
    check((t) => sq(ops.slice(t, axis, 1, 3)), [y]);
    check((t) => sq(ops.select(t, axis, 2)), [y]);
    check((t) => sq(ops.select(t, axis, -1)), [y]);
  }
  assert.throws(() => ops.slice(x, 1, 2, 4), /expected 0 <= start <= end <= 3 on axis 1, got 2..4/);
});

test('several slices of one tensor add their gradients (GradSlice accumulation)', () => {
  const x = rand64([4, 3], 4);
  check((t) => ops.add(ops.mul(ops.slice(t, 0, 0, 3), ops.slice(t, 0, 1, 4)), sq(ops.select(t, 0, 1))), [x]);
});

test('chunk splits equally and its gradients land in place', () => {
  const x = tensor([[1, 2, 3, 4], [5, 6, 7, 8]]);
  const [a, b] = ops.chunk(x, 2);
  assert.deepEqual(a.tolist(), [[1, 2], [5, 6]]);
  assert.deepEqual(b.tolist(), [[3, 4], [7, 8]]);
  assert.throws(() => ops.chunk(x, 3), /does not split into 3 equal parts/);
  const y = rand64([4, 6], 5);
  check((t) => { const [p, q, r] = ops.chunk(t, 3, 1); return ops.add(ops.mul(p, q), sq(r)); }, [y]);
  check((t) => { const [p, q] = ops.chunk(t, 2, 0); return ops.sub(sq(p), q); }, [y]);
});

test('concat along each axis: values and gradients', () => {
  const a = tensor([[1, 2], [3, 4]]), b = tensor([[5], [6]]);
  assert.deepEqual(ops.concat([a, b], 1).tolist(), [[1, 2, 5], [3, 4, 6]]);
  assert.deepEqual(ops.concat([a, tensor([[7, 8]])], 0).tolist(), [[1, 2], [3, 4], [7, 8]]);
  const p = rand64([2, 3, 2], 6), q = rand64([2, 1, 2], 7), r = rand64([2, 2, 2], 8, { grad: false });
  check((x, y) => sq(ops.concat([x, y, r], 1)), [p, q]);
  check((x) => sq(ops.concat([x, x], 0)), [p]);
  check((x) => sq(ops.concat([x, r.reshape([2, 4, 1])], -1)), [rand64([2, 4, 1], 9)]);
  assert.throws(() => ops.concat([a, b], 0), /expected tensors matching \[2, 2\] except on axis 0, got \[2, 1\]/);
});

test('stack on a new axis: values and gradients', () => {
  const a = tensor([1, 2]), b = tensor([3, 4]);
  assert.deepEqual(ops.stack([a, b], 0).tolist(), [[1, 2], [3, 4]]);
  assert.deepEqual(ops.stack([a, b], 1).tolist(), [[1, 3], [2, 4]]);
  const x = rand64([2, 3], 9), y = rand64([2, 3], 10);
  for (const axis of [0, 1, 2, -1]) check((s, t) => sq(ops.stack([s, t, s], axis)), [x, y]);
  assert.throws(() => ops.stack([a, tensor([1, 2, 3])]), /expected tensors of shape \[2\], got \[3\]/);
});

test('unsqueeze and squeeze shapes and gradients', () => {
  const x = rand64([2, 1, 3], 11);
  assert.deepEqual([...ops.unsqueeze(x, 0).shape], [1, 2, 1, 3]);
  assert.deepEqual([...ops.unsqueeze(x, -1).shape], [2, 1, 3, 1]);
  assert.deepEqual([...ops.squeeze(x).shape], [2, 3]);
  assert.deepEqual([...ops.squeeze(x, 1).shape], [2, 3]);
  assert.throws(() => ops.squeeze(x, 0), /expected axis 0 of size 1, got 2/);
  check((t) => sq(ops.unsqueeze(t, 2)), [x]);
  check((t) => sq(ops.squeeze(t, 1)), [x]);
  check((t) => sq(ops.squeeze(t)), [x]);
});

test('broadcastTo repeats values and sums gradients back to the input shape', () => {
  const x = tensor([[1], [2]]);
  assert.deepEqual(ops.broadcastTo(x, [3, 2, 2]).tolist(), [[[1, 1], [2, 2]], [[1, 1], [2, 2]], [[1, 1], [2, 2]]]);
  for (const [s, to] of [[[2, 1], [3, 2, 4]], [[4], [2, 3, 4]], [[], [2, 2]], [[1, 3, 1], [2, 3, 5]]] as [number[], number[]][]) {
    const y = rand64(s, 12);
    check((t) => sq(ops.broadcastTo(t, to)), [y]);
  }
  assert.throws(() => ops.broadcastTo(tensor([1, 2, 3]), [2, 4]), /\[3\] and \[2, 4\] do not broadcast/);
  assert.throws(() => ops.broadcastTo(tensor([[1], [2]]), [2]), /cannot broadcast \[2, 1\] to \[2\]/);
});
