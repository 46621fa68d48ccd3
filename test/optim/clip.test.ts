// Gradient clipping against hand-computed norms and against torch.nn.utils.clip_grad_norm_ /
// clip_grad_value_ (reference/trajectories.json).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { clipGradNorm, clipGradValue } from '../../src/optim/index.js';
import { reference, worstError } from './helpers.js';

function withGrads(grads: number[][], dtype: 'float32' | 'float64' = 'float64'): Tensor[] {
  return grads.map((g) => {
    const p = tensor(new Array(g.length).fill(0), undefined, { dtype, requiresGrad: true });
    p.grad = tensor(g, undefined, { dtype });
    return p;
  });
}

const gradsOf = (ps: Tensor[]): number[][] => ps.map((p) => Array.from(p.grad!.data));

test('clipGradNorm: grads [3, 4] have norm 5 and clip to [0.6, 0.8]', () => {
  const ps = withGrads([[3], [4]]);
  assert.equal(clipGradNorm(ps, 1), 5);
  const scale = 1 / (5 + 1e-6);
  assert.deepEqual(gradsOf(ps), [[3 * scale], [4 * scale]]);
  assert.ok(Math.abs(ps[0].grad!.data[0] - 0.6) < 1e-6 && Math.abs(ps[1].grad!.data[0] - 0.8) < 1e-6);
});

test('clipGradNorm leaves grads alone when the norm is within bounds, and skips params without grad', () => {
  const ps = withGrads([[3, -4]]);
  ps.push(tensor([1, 2], undefined, { requiresGrad: true }));
  assert.equal(clipGradNorm(ps, 5.1), 5);
  assert.deepEqual(gradsOf(ps.slice(0, 1)), [[3, -4]]);
  assert.equal(ps[1].grad, null);
  assert.equal(clipGradNorm([], 1), 0);
});

test('clipGradNorm with normType Infinity uses the largest |g|, and 1 the sum', () => {
  let ps = withGrads([[3, -7], [2]]);
  assert.equal(clipGradNorm(ps, 1, Infinity), 7);
  const scale = 1 / (7 + 1e-6);
  assert.deepEqual(gradsOf(ps), [[3 * scale, -7 * scale], [2 * scale]]);
  ps = withGrads([[3, -7], [2]]);
  assert.equal(clipGradNorm(ps[0], 100, 1), 10);
});

test('clipGradNorm works on float32 grads without overflowing', () => {
  const ps = withGrads([[3e30, 4e30]], 'float32');
  const norm = clipGradNorm(ps, 1);
  assert.ok(Math.abs(norm / 5e30 - 1) < 1e-6, `${norm}`);
  assert.ok(worstError(ps[0].grad!.data, [0.6, 0.8], 1e-6, 0) <= 1);
});

test('clipGradNorm matches torch for norm types 2, 1, 3 and Infinity', () => {
  for (const c of reference.clip.norm) {
    const normType = c.normType === 'Infinity' ? Infinity : c.normType;
    const ps = withGrads(reference.clip.grads.map((g) => (g as number[]).flat(2) as number[]));
    const total = clipGradNorm(ps, c.maxNorm, normType);
    assert.ok(Math.abs(total - c.totalNorm) <= 1e-12 * c.totalNorm, `norm ${normType}: ${total} vs ${c.totalNorm}`);
    ps.forEach((p, i) => assert.ok(worstError(p.grad!.data, c.grads[i], 1e-12, 1e-15) <= 1, `norm ${normType}, max ${c.maxNorm}, grad ${i}`));
  }
});

test('clipGradNorm on a non-finite norm: returns it, or throws naming it with errorIfNonfinite', () => {
  assert.ok(Number.isNaN(clipGradNorm(withGrads([[1, NaN]]), 1)));
  assert.equal(clipGradNorm(withGrads([[1, Infinity]]), 1, Infinity), Infinity);
  assert.throws(() => clipGradNorm(withGrads([[1, NaN]]), 1, 2, { errorIfNonfinite: true }),
    /clipGradNorm: the total norm of order 2 of the gradients is NaN/);
  assert.throws(() => clipGradNorm(withGrads([[1, -Infinity]]), 1, Infinity, { errorIfNonfinite: true }),
    /the total norm of order Infinity of the gradients is Infinity/);
  assert.throws(() => clipGradNorm(withGrads([[1]]), 1, 0), /expected normType > 0 or Infinity, got 0/);
  assert.throws(() => clipGradNorm(withGrads([[1]]), -1), /expected maxNorm >= 0, got -1/);
});

test('clipGradValue clamps each entry, as torch does', () => {
  const ps = withGrads([[3, -4, 0.5, NaN]]);
  clipGradValue(ps, 2);
  assert.deepEqual(gradsOf(ps), [[2, -2, 0.5, NaN]]);
  const ref = withGrads(reference.clip.grads.map((g) => (g as number[]).flat(2) as number[]));
  clipGradValue(ref, reference.clip.value.clipValue);
  assert.deepEqual(gradsOf(ref), reference.clip.value.grads);
  assert.throws(() => clipGradValue(ps, -1), /clipGradValue: expected clipValue >= 0, got -1/);
});
