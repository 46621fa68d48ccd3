// Comparison ops against JavaScript's own comparisons, element by element, with broadcasting and
// NaN; their results are masks that carry no gradient.

import test from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../../src/tensor/tensor.js';
import * as ops from '../../../src/autograd/index.js';

test('gt, ge, lt, le, eq match JS comparisons with broadcasting and NaN', () => {
  const a = tensor([[1, 2, NaN], [4, 2, -1]]);
  const b = tensor([2, 2, 0]);
  const av = [[1, 2, NaN], [4, 2, -1]], bv = [2, 2, 0];
  const cases: [typeof ops.gt, (x: number, y: number) => boolean][] = [
    [ops.gt, (x, y) => x > y], [ops.ge, (x, y) => x >= y], [ops.lt, (x, y) => x < y],
    [ops.le, (x, y) => x <= y], [ops.eq, (x, y) => x === y],
  ];
  for (const [op, js] of cases) {
    const m = op(a, b);
    assert.deepEqual([...m.shape], [2, 3]);
    assert.deepEqual(m.tolist(), av.map((row) => row.map((x, j) => (js(x, bv[j]) ? 1 : 0))));
    assert.equal(m.requiresGrad, false);
  }
  assert.deepEqual(ops.gt(tensor([0.5, 1.5]), 1).toArray(), [0, 1]);
});

test('a comparison mask drives where and carries no gradient', () => {
  const x = tensor([-2, 3, -1, 4], undefined, { dtype: 'float64', requiresGrad: true });
  const y = ops.where(ops.gt(x, 0), x, ops.mul(x, 0.1)); // leaky ReLU by hand
  assert.deepEqual(y.toArray().map((v) => +v.toFixed(12)), [-0.2, 3, -0.1, 4]);
  ops.sum(y).backward();
  assert.deepEqual(x.grad!.toArray().map((v) => +v.toFixed(12)), [0.1, 1, 0.1, 1]);
});
