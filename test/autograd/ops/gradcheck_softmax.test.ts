// softmax and logSoftmax: values against exp(x)/Σexp(x) written here, sums to 1, stability at
// ±1000, and finite-difference gradients on the last and on non-last axes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { allIndices, assertClose, check, flatIndex, rand64 } from '../../helpers/tensors.js';

// softmax along `axis` by explicit index loops
function naiveSoftmax(x: Tensor, axis: number, log: boolean): number[] {
  const out = new Array<number>(x.size);
  for (const idx of allIndices(x.shape)) {
    let s = 0;
    for (let k = 0; k < x.shape[axis]; k++) {
      const j = [...idx]; j[axis] = k;
      s += Math.exp(x.data[flatIndex(j, x.shape)]);
    }
    const v = x.data[flatIndex(idx, x.shape)];
    out[flatIndex(idx, x.shape)] = log ? v - Math.log(s) : Math.exp(v) / s;
  }
  return out;
}

test('softmax and logSoftmax equal exp/Σexp along every axis, and softmax sums to 1', () => {
  const x = rand64([2, 3, 4], 1, { lo: -3, hi: 3 });
  for (const axis of [0, 1, 2]) {
    const y = ops.softmax(x, axis), ly = ops.logSoftmax(x, axis);
    assert.deepEqual([...y.shape], [2, 3, 4]);
    assertClose(y.data, naiveSoftmax(x, axis, false), 1e-15, 0, `softmax axis ${axis}`);
    assertClose(ly.data, naiveSoftmax(x, axis, true), 1e-14, 0, `logSoftmax axis ${axis}`);
    const sums = ops.sum(y, axis).data;
    assertClose(sums, new Array(sums.length).fill(1), 1e-15, 0, 'sums');
  }
  // default axis is the last one
  assert.deepEqual(ops.softmax(x).toArray(), ops.softmax(x, 2).toArray());
});

test('logSoftmax is finite and exact at ±1000', () => {
  const x = tensor([[1000, 0, -1000], [-1000, -1000, -1000]], undefined, { dtype: 'float64' });
  const ly = ops.logSoftmax(x).toArray();
  assertClose(ly, [0, -1000, -2000, -Math.log(3), -Math.log(3), -Math.log(3)], 1e-12);
  const y = ops.softmax(x).toArray();
  assertClose(y, [1, 0, 0, 1 / 3, 1 / 3, 1 / 3], 1e-15);
  // float32 too
  const y32 = ops.logSoftmax(tensor([[1000, 999]]));
  for (const v of y32.data) assert.ok(Number.isFinite(v));
  assertClose(y32.data, [-Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1))], 1e-6);
});

test('gradcheck softmax and logSoftmax on the last and on non-last axes', () => {
  const x = rand64([2, 3, 4], 2, { lo: -2, hi: 2 });
  for (const axis of [0, 1, 2, -1, -2]) {
    check((t) => ops.softmax(t, axis), [x]);
    check((t) => ops.logSoftmax(t, axis), [x]);
  }
  const v = rand64([5], 3);
  check((t) => ops.softmax(t), [v]);
  check((t) => ops.logSoftmax(t), [v]);
});

test('gradcheck logSoftmax at large logits (no overflow in the backward)', () => {
  const x = tensor([[500, 499.5, -500]], undefined, { dtype: 'float64', requiresGrad: true });
  check((t) => ops.logSoftmax(t), [x]);
});
