// mseLoss and bceWithLogits: values against their formulas written here, masks (mean over kept
// positions), bceWithLogits finite at ±1000 with gradient σ(z) − y (exactly 0.5 − y at z = 0), and
// finite-difference gradients.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bceWithLogits, mseLoss } from '../../../src/nn/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const f64 = (v: number[], grad = false) => tensor(v, undefined, { dtype: 'float64', requiresGrad: grad });

test('mseLoss = mean((x − y)²), sum and none; masked mean divides by the mask sum', () => {
  const x = f64([1, 2, 3, 4]), y = f64([0, 2, 5, 1]);
  assert.equal(mseLoss(x, y).item(), (1 + 0 + 4 + 9) / 4);
  assert.equal(mseLoss(x, y, { reduction: 'sum' }).item(), 14);
  assert.deepEqual(mseLoss(x, y, { reduction: 'none' }).toArray(), [1, 0, 4, 9]);
  assert.equal(mseLoss(x, y, { mask: f64([1, 0, 1, 0]) }).item(), (1 + 4) / 2);
  assert.throws(() => mseLoss(x, f64([1, 2])), /mseLoss: expected target of shape \[4\], got \[2\]/);
});

test('gradcheck mseLoss (input and target), with mask', () => {
  const x = rand64([2, 3], 1), y = rand64([2, 3], 2);
  check((a, b) => mseLoss(a, b), [x, y]);
  check((a, b) => mseLoss(a, b, { reduction: 'none' }), [x, y]);
  check((a, b) => mseLoss(a, b, { mask: f64([1, 0, 1, 1, 1, 0]).reshape([2, 3]) }), [x, y]);
});

const naiveBce = (z: number, y: number): number => {
  const s = 1 / (1 + Math.exp(-z));
  return -(y * Math.log(s) + (1 - y) * Math.log(1 - s));
};

test('bceWithLogits equals −[y log σ(z) + (1−y) log(1−σ(z))] at moderate logits', () => {
  const z = [-3, -0.5, 0, 0.7, 2.5], y = [0, 1, 0.3, 1, 0];
  const l = bceWithLogits(f64(z), f64(y), { reduction: 'none' });
  assertClose(l.data, z.map((v, i) => naiveBce(v, y[i])), 1e-14, 1e-13);
  assertClose([bceWithLogits(f64(z), f64(y)).item()], [z.reduce((a, v, i) => a + naiveBce(v, y[i]), 0) / 5], 1e-14);
  assertClose([bceWithLogits(f64(z), f64(y), { mask: f64([1, 1, 0, 0, 1]) }).item()], [(naiveBce(-3, 0) + naiveBce(-0.5, 1) + naiveBce(2.5, 0)) / 3], 1e-14);
});

test('bceWithLogits is finite at ±1000 with the right limits and gradient σ(z) − y', () => {
  const z = f64([1000, -1000, 1000, -1000, 0, 0], true), y = f64([1, 0, 0, 1, 0, 1]);
  const l = bceWithLogits(z, y, { reduction: 'none' });
  assert.deepEqual(l.toArray(), [0, 0, 1000, 1000, Math.LN2, Math.LN2]);
  bceWithLogits(z, y, { reduction: 'sum' }).backward();
  assert.deepEqual(z.grad!.toArray(), [0, 0, 1, -1, 0.5, -0.5]);
  const z32 = tensor([1000, -1000], undefined, { requiresGrad: true });
  const l32 = bceWithLogits(z32, tensor([0, 0]), { reduction: 'sum' });
  assert.equal(l32.item(), 1000);
  l32.backward();
  assert.deepEqual(z32.grad!.toArray(), [1, 0]);
});

test('gradcheck bceWithLogits w.r.t. logits and targets', () => {
  const z = rand64([2, 3], 3, { lo: -4, hi: 4 }), y = rand64([2, 3], 4, { lo: 0, hi: 1 });
  check((a, b) => bceWithLogits(a, b), [z, y]);
  check((a, b) => bceWithLogits(a, b, { reduction: 'none' }), [z, y]);
});

test('a mask that broadcasts counts every position it keeps (mean over [B, T] with a [B, 1] mask)', () => {
  const x = f64([1, 2, 3, 4, 5, 6]).reshape([2, 3]), y = f64([0, 0, 0, 0, 0, 0]).reshape([2, 3]);
  // row 0 kept: (1 + 4 + 9) / 3
  assert.equal(mseLoss(x, y, { mask: f64([1, 0]).reshape([2, 1]) }).item(), 14 / 3);
  assert.equal(mseLoss(x, y, { mask: f64([1, 0, 1]) }).item(), (1 + 9 + 16 + 36) / 4);
});
