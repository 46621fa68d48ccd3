// Dropout: the identity in evaluation (and at p = 0); in training, about a fraction p of zeros,
// survivors scaled by exactly 1/(1−p) so the mean is kept; the gradient uses the same mask;
// reproducible from a seeded generator; p outside [0, 1) rejected.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dropout, dropout } from '../../../src/nn/index.js';
import * as ops from '../../../src/autograd/index.js';
import { ones, tensor } from '../../../src/tensor/tensor.js';
import { Rng } from '../../../src/tensor/random.js';

test('eval mode is the identity (same tensor), as is p = 0', () => {
  const d = new Dropout(0.5);
  d.eval();
  const x = tensor([1, 2, 3]);
  assert.equal(d.forward(x), x);
  assert.equal(dropout(x, 0, true), x);
  d.train();
  assert.equal(d.training, true);
});

test('training zeroes about p of the entries and scales the rest by 1/(1−p)', () => {
  for (const p of [0.1, 0.5, 0.8]) {
    const n = 20000;
    const y = dropout(ones([n], { dtype: 'float64' }), p, true, new Rng(7));
    let zeros = 0, sum = 0;
    for (const v of y.data) {
      if (v === 0) zeros++;
      else assert.ok(Math.abs(v - 1 / (1 - p)) < 1e-12, `survivor ${v}`);
      sum += v;
    }
    // binomial std of the zero fraction is √(p(1−p)/n) ≤ 0.0036; allow 5σ
    assert.ok(Math.abs(zeros / n - p) < 0.018, `p=${p}: zero fraction ${zeros / n}`);
    assert.ok(Math.abs(sum / n - 1) < 0.018 / (1 - p), `p=${p}: mean ${sum / n}`);
  }
});

test('the gradient passes through the same mask', () => {
  const x = tensor(new Float64Array(1000).fill(2), [1000], { requiresGrad: true });
  const y = dropout(x, 0.3, true, new Rng(9));
  ops.sum(y).backward();
  for (let i = 0; i < 1000; i++) assert.equal(x.grad!.data[i], y.data[i] / 2);
});

test('the same seed gives the same mask; different seeds differ', () => {
  const x = ones([200]);
  const a = new Dropout(0.5, new Rng(1)).forward(x).toArray();
  const b = new Dropout(0.5, new Rng(1)).forward(x).toArray();
  const c = new Dropout(0.5, new Rng(2)).forward(x).toArray();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('p outside [0, 1) is rejected with the value named', () => {
  assert.throws(() => new Dropout(1), /expected a probability in \[0, 1\), got 1/);
  assert.throws(() => dropout(ones([2]), -0.1, true), /expected a probability in \[0, 1\), got -0.1/);
  assert.throws(() => dropout(ones([2]), NaN, true), /got NaN/);
});
