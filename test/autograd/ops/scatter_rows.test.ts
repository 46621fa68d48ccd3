// scatterAddRows (rows added into a table at indices, the adjoint of selectRows): values by hand,
// gradients against finite differences and by hand, and the index checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { check, rand64 } from '../../helpers/tensors.js';

test('scatterAddRows adds rows of any rank into their index; rows nothing points to stay zero', () => {
  const x = tensor([[[1, 2], [3, 4]], [[10, 20], [30, 40]], [[100, 200], [300, 400]]]); // [3, 2, 2]
  const y = ops.scatterAddRows(x, Int32Array.from([2, 0, 2]), 4);
  assert.deepEqual([...y.shape], [4, 2, 2]);
  assert.deepEqual(y.tolist(), [[[10, 20], [30, 40]], [[0, 0], [0, 0]], [[101, 202], [303, 404]], [[0, 0], [0, 0]]]);
  assert.deepEqual(ops.scatterAddRows(tensor([], [0, 3]), new Int32Array(0), 2).tolist(), [[0, 0, 0], [0, 0, 0]]);
});

test('scatterAddRows gradient: each row gets the gradient of the row it went into', () => {
  const x = rand64([4, 2], 1);
  const w = tensor([[1, 2], [3, 4], [5, 6]], undefined, { dtype: 'float64' });
  ops.sum(ops.mul(ops.scatterAddRows(x, Int32Array.from([2, 0, 2, 1]), 3), w)).backward();
  assert.deepEqual(x.grad!.toArray(), [5, 6, 1, 2, 5, 6, 3, 4]);
  check((t) => ops.tanh(ops.scatterAddRows(ops.mul(t, t), Int32Array.from([1, 1, 0, 3, 1]), 5)), [rand64([5, 3], 2)]);
  // the adjoint of selectRows: <scatter(x), y> = <x, select(y)>
  const a = rand64([6, 3], 3, { grad: false }), b = rand64([4, 3], 4, { grad: false }), idx = Int32Array.from([3, 0, 0, 2, 3, 1]);
  const lhs = ops.sum(ops.mul(ops.scatterAddRows(a, idx, 4), b)).item(), rhs = ops.sum(ops.mul(a, ops.selectRows(b, idx))).item();
  assert.ok(Math.abs(lhs - rhs) < 1e-12, `${lhs} vs ${rhs}`);
});

test('scatterAddRows refuses indices out of range and a count that does not match the rows', () => {
  const x = tensor([[1], [2]]);
  assert.throws(() => ops.scatterAddRows(x, Int32Array.from([0, 3]), 3), /expected indices in \[0, 3\), got 3 at position 1/);
  assert.throws(() => ops.scatterAddRows(x, Int32Array.from([0, -1]), 3), /expected indices in \[0, 3\), got -1 at position 1/);
  assert.throws(() => ops.scatterAddRows(x, Int32Array.from([0]), 3), /expected 2 indices \(one per row of \[2, 1\]\), got 1/);
  assert.throws(() => ops.scatterAddRows(x, Int32Array.from([0, 0]), -1), /expected a row count that is an integer >= 0, got -1/);
});
