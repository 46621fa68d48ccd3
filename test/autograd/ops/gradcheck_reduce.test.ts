// sum, mean and max over one or several axes (negative included), with and without keepDims:
// values against loops written here, gradients against finite differences, and the expanded
// gradient keeping the input's shape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { allIndices, assertClose, check, flatIndex, rand64 } from '../../helpers/tensors.js';

const axesCases: (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, [0, 2], [1, 2], [0, 1, 2], []];

function naiveReduce(x: ReturnType<typeof rand64>, axes: number[], f: 'sum' | 'mean'): number[] {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Array<number>(kept.reduce((a, d) => a * d, 1)).fill(0);
  let k = 0;
  for (const idx of allIndices(x.shape)) out[flatIndex(idx.map((v, i) => (axes.includes(i) ? 0 : v)), kept)] += x.data[k++];
  const count = axes.reduce((a, i) => a * x.shape[i], 1);
  return f === 'mean' ? out.map((v) => v / count) : out;
}

for (const f of ['sum', 'mean'] as const) {
  test(`${f} values and shapes over axes, keepDims or not`, () => {
    const x = rand64([2, 3, 4], 1);
    for (const axes of axesCases) {
      const list = axes === undefined ? [0, 1, 2] : (typeof axes === 'number' ? [axes] : axes).map((a) => (a + 3) % 3);
      for (const keep of [false, true]) {
        const y = ops[f](x, axes, keep);
        const want = keep ? x.shape.map((d, i) => (list.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !list.includes(i));
        assert.deepEqual([...y.shape], want, `${f} axes=${JSON.stringify(axes)} keep=${keep}`);
        assertClose(y.data, naiveReduce(x, list, f), 1e-14, 0, `${f} axes=${JSON.stringify(axes)}`);
      }
    }
  });

  test(`gradcheck ${f} over axes, keepDims or not`, () => {
    const x = rand64([2, 3, 4], 2);
    for (const axes of axesCases) for (const keep of [false, true]) check((t) => ops[f](t, axes, keep), [x]);
  });
}

test('mean gradient is 1/count by hand', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], undefined, { dtype: 'float64', requiresGrad: true });
  ops.mean(x, 1).sum().backward();
  assertClose(x.grad!.data, new Array(6).fill(1 / 3), 1e-15);
});

test('max values, keepDims shapes and first-position argmax', () => {
  const x = tensor([[[1, 9], [3, 2]], [[5, 5], [0, 7]]], undefined, { dtype: 'float64' });
  assert.deepEqual(ops.max(x, 0).toArray(), [5, 9, 3, 7]);
  assert.deepEqual(ops.max(x, 1).toArray(), [3, 9, 5, 7]);
  assert.deepEqual(ops.max(x, -1).toArray(), [9, 3, 5, 7]);
  assert.deepEqual([...ops.max(x, 1, true).shape], [2, 1, 2]);
  assert.deepEqual([...ops.max(x, 1).shape], [2, 2]);
  assert.deepEqual(Array.from(ops.argmax(x, -1)), [1, 0, 0, 1]);
  // no axis: over all elements, like torch.max(x)
  assert.equal(ops.max(x).item(), 9);
  assert.deepEqual([...ops.max(x, undefined, true).shape], [1, 1, 1]);
  const y = tensor([[1, 4], [4, 2]], undefined, { dtype: 'float64', requiresGrad: true });
  ops.max(y).backward();
  assert.deepEqual(y.grad!.toArray(), [0, 1, 0, 0], 'gradient to the first maximum');
});

test('gradcheck max along each axis, keepDims or not', () => {
  const x = rand64([3, 4, 5], 3); // distinct values: no ties
  for (const axis of [0, 1, 2, -1]) for (const keep of [false, true]) check((t) => ops.max(t, axis, keep), [x]);
});

test('max sends the gradient to the first maximum only on ties', () => {
  const x = tensor([[2, 7, 7], [1, 1, 0]], undefined, { dtype: 'float64', requiresGrad: true });
  ops.max(x, 1).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [0, 1, 0, 1, 0, 0]);
});

test('max over an empty axis is an error, not -Infinity', () => {
  assert.throws(() => ops.max(tensor(new Float64Array(0), [2, 0]), 1), /empty axis/);
});
