// clone and astype (gradient passes through, converted back to the input's dtype), and the fused
// LSTM pointwise ops lstmCellState / lstmHidden against their equations written here with
// Math.exp / Math.tanh, plus finite-difference gradients.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

test('clone copies the buffer and passes the gradient through', () => {
  const x = rand64([2, 3], 1);
  const y = ops.clone(x);
  assert.notEqual(y.data, x.data);
  assert.deepEqual(y.toArray(), x.toArray());
  y.data[0] = 42;
  assert.notEqual(x.data[0], 42);
  check((t) => ops.tanh(ops.clone(t)), [x]);
});

test('astype converts values and its gradient comes back in the input dtype', () => {
  const x32 = tensor([0.1, 0.2]);
  const y = ops.astype(x32, 'float64');
  assert.equal(y.dtype, 'float64');
  assert.deepEqual(y.toArray(), [Math.fround(0.1), Math.fround(0.2)]);
  assert.equal(ops.astype(y, 'float64'), y); // same dtype: no copy
  // float64 → float32 → float64 on values and steps exactly representable in float32 (multiples of
  // 2^-10, eps = 2^-6), so the finite differences are exact.
  const x = tensor([0.5, -0.25, 1.125, 0.0078125], undefined, { dtype: 'float64', requiresGrad: true });
  const w = tensor([1, -2, 3, 0.5], undefined, { dtype: 'float64' });
  check((t) => ops.mul(ops.astype(ops.astype(t, 'float32'), 'float64'), w), [x], { eps: 2 ** -6 });
  const leaf = tensor([1, 2], undefined, { requiresGrad: true });
  ops.mul(ops.astype(leaf, 'float64'), tensor([3, 4], undefined, { dtype: 'float64' })).sum().backward();
  assert.equal(leaf.grad!.dtype, 'float32');
  assert.deepEqual(leaf.grad!.toArray(), [3, 4]);
});

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

test('lstmCellState and lstmHidden equal the LSTM equations (gate order i|f|g|o)', () => {
  const B = 2, H = 3;
  const z = rand64([B, 4 * H], 1, { lo: -2, hi: 2 }), c = rand64([B, H], 2);
  const cNew = ops.lstmCellState(z, c), h = ops.lstmHidden(z, cNew);
  const wantC: number[] = [], wantH: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < H; k++) {
      const g = (j: number) => z.data[b * 4 * H + j * H + k];
      const cn = sig(g(1)) * c.data[b * H + k] + sig(g(0)) * Math.tanh(g(2));
      wantC.push(cn);
      wantH.push(sig(g(3)) * Math.tanh(cn));
    }
  }
  assertClose(cNew.data, wantC, 1e-15, 1e-14, 'c');
  assertClose(h.data, wantH, 1e-15, 1e-14, 'h');
});

test('gradcheck lstmCellState, lstmHidden, and the two composed', () => {
  const z = rand64([2, 12], 3, { lo: -2, hi: 2 }), c = rand64([2, 3], 4);
  check((g, cc) => ops.lstmCellState(g, cc), [z, c]);
  check((g, cc) => ops.lstmHidden(g, cc), [z, c]);
  check((g, cc) => { const cn = ops.lstmCellState(g, cc); return ops.concat([ops.lstmHidden(g, cn), cn], 1); }, [z, c]);
});

test('lstm pointwise ops reject mismatched gate widths', () => {
  assert.throws(() => ops.lstmCellState(rand64([2, 10], 5), rand64([2, 3], 6)), /expected gates of shape \[2, 12\] for a cell of shape \[2, 3\], got \[2, 10\]/);
});
