// Masked losses over padded batches: crossEntropy, mseLoss and bceWithLogits with lengths equal the
// hand-computed mean over real positions only, give padded positions zero gradient, equal the
// explicit-mask form (time-major and batch-first), and pass gradcheck.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, indices } from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { crossEntropy } from '../../../src/nn/losses/cross_entropy.js';
import { bceWithLogits, mseLoss } from '../../../src/nn/losses/regression.js';
import { sequenceMask } from '../../../src/tensor/sequence_mask.js';

const T = 4, B = 3, C = 5, F = 2;
const lengths = [4, 1, 2];
const real = (t: number, b: number): boolean => t < lengths[b];
const logitsOf = (grad = true) => tensor(Array.from({ length: T * B * C }, (_, k) => Math.sin(k * 1.3)), [T, B, C], { dtype: 'float64', requiresGrad: grad });
const targetOf = () => indices(Array.from({ length: T * B }, (_, k) => (k * 3) % C), [T, B]);

test('crossEntropy with lengths is the mean of −log softmax over real positions; padded logits get 0 gradient', () => {
  const z = logitsOf(), y = targetOf();
  const loss = crossEntropy(z, y, { lengths });
  let sum = 0, n = 0;
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
    if (!real(t, b)) continue;
    const row = Array.from(z.data.subarray((t * B + b) * C, (t * B + b + 1) * C));
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    sum += lse - row[y.data[t * B + b]];
    n++;
  }
  assert.ok(Math.abs(loss.data[0] - sum / n) < 1e-12, `${loss.data[0]} vs ${sum / n}`);
  loss.backward();
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
    const g = z.grad!.data.subarray((t * B + b) * C, (t * B + b + 1) * C);
    if (!real(t, b)) assert.ok(g.every((v) => v === 0), `padded (t=${t}, b=${b}) gradient is 0`);
    else assert.ok(g.some((v) => v !== 0));
  }
});

test('crossEntropy: lengths equal the mask form, and batch-first lengths equal time-major', () => {
  const z = logitsOf(false), y = targetOf();
  const a = crossEntropy(z, y, { lengths }).data[0];
  assert.equal(crossEntropy(z, y, { mask: sequenceMask(lengths, T) }).data[0], a);
  const zb = tensor(Array.from({ length: B * T * C }, (_, k) => { const b = Math.floor(k / (T * C)), t = Math.floor(k / C) % T; return z.data[(t * B + b) * C + (k % C)]; }), [B, T, C], { dtype: 'float64' });
  const yb = indices(Array.from({ length: B * T }, (_, k) => y.data[(k % T) * B + Math.floor(k / T)]), [B, T]);
  assert.ok(Math.abs(crossEntropy(zb, yb, { lengths, batchFirst: true }).data[0] - a) < 1e-15);
  assert.throws(() => crossEntropy(z, y, { lengths: [1, 2] }), /crossEntropy: expected 3 lengths \(one per batch row of \[4, 3\]\), got 2/);
});

test('mseLoss and bceWithLogits with lengths: mean over real elements, zero gradient at padding, gradcheck', () => {
  const x = tensor(Array.from({ length: T * B * F }, (_, k) => Math.cos(k)), [T, B, F], { dtype: 'float64', requiresGrad: true });
  const y = tensor(Array.from({ length: T * B * F }, (_, k) => ((k * 7) % 5) / 5), [T, B, F], { dtype: 'float64' });
  let se = 0, n = 0;
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) {
    if (!real(t, b)) continue;
    const i = (t * B + b) * F + f;
    se += (x.data[i] - y.data[i]) ** 2; n++;
  }
  const loss = mseLoss(x, y, { lengths });
  assert.ok(Math.abs(loss.data[0] - se / n) < 1e-12);
  loss.backward();
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
    if (!real(t, b)) assert.ok(x.grad!.data.subarray((t * B + b) * F, (t * B + b + 1) * F).every((v) => v === 0));
  }
  assert.ok(gradcheck((xx) => mseLoss(xx, y, { lengths }), [x]).ok);
  assert.ok(gradcheck((xx) => bceWithLogits(xx, y, { lengths }), [x]).ok);
  const m = tensor(Array.from({ length: T * B }, (_, k) => (real(Math.floor(k / B), k % B) ? 1 : 0)), [T, B, 1], { dtype: 'float64' });
  assert.ok(Math.abs(bceWithLogits(x, y, { lengths }).data[0] - bceWithLogits(x, y, { mask: m }).data[0]) < 1e-15);
  assert.throws(() => mseLoss(x, y, { lengths, mask: m }), /mseLoss: expected either mask or lengths, got both/);
});

test('gradcheck crossEntropy with lengths', () => {
  const z = logitsOf(), y = targetOf();
  assert.ok(gradcheck((zz) => crossEntropy(zz, y, { lengths }), [z]).ok);
});
