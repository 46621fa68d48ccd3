// The ops of the long-memory models: softplus, modReLU, the matrix exponential and the NTM's
// circular shift, each against values worked out by hand or by an independent route, and
// gradchecked in float64 (matrixExp on both sides of the scaling threshold, so the squaring steps
// are differentiated too).

import test from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../../src/tensor/tensor.js';
import { Rng } from '../../../src/tensor/random.js';
import * as ops from '../../../src/autograd/index.js';
import { orthogonalMatrix } from '../../../src/nn/init.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const f64 = { dtype: 'float64' as const, requiresGrad: true };

test('softplus equals log(1 + eˣ), stays finite at ±800, and its gradient is σ(x)', () => {
  const x = tensor([-800, -3, 0, 2, 800], undefined, f64);
  const y = ops.softplus(x);
  assertClose(y.toArray(), [0, Math.log(1 + Math.exp(-3)), Math.LN2, Math.log(1 + Math.exp(2)), 800], 1e-15, 1e-15);
  ops.sum(y).backward();
  assertClose(x.grad!.toArray(), [0, 1 / (1 + Math.exp(3)), 0.5, 1 / (1 + Math.exp(-2)), 1], 1e-15, 1e-15);
  check((v) => ops.softplus(v), [rand64([3, 4], 1, { lo: -4, hi: 4 })]);
});

test('modReLU(z, b) = sign(z)·max(|z| + b, 0), by hand', () => {
  const z = tensor([[0.5, -2, 0.1], [-0.05, 3, -1]], undefined, f64);
  const b = tensor([-0.2, 0.5, -0.3], undefined, f64);
  const y = ops.modReLU(z, b);
  assertClose(y.toArray(), [0.3, -2.5, 0, 0, 3.5, -0.7], 1e-15);
  ops.sum(y).backward();
  assert.deepEqual(z.grad!.toArray(), [1, 1, 0, 0, 1, 1]); // 1 where |z| + b > 0
  assert.deepEqual(b.grad!.toArray(), [1, 0, -1]); // Σ over rows of sign(z) where on
  assert.throws(() => ops.modReLU(z, tensor([1, 2], undefined, f64)), /modReLU: expected z of shape \[\.\.\., 2\] and b of shape \[2\], got \[2, 3\] and \[2\]/);
});

test('modReLU gradcheck (float64), away from the kinks', () => {
  const rng = new Rng(3);
  // |z| ≥ 0.2 and b ∈ ±0.1 keep |z| + b and z away from 0, where the function has its corners
  const zv = Array.from({ length: 12 }, () => (rng.random() < 0.5 ? -1 : 1) * rng.uniform(0.2, 1.5));
  const z = tensor(zv, [4, 3], f64), b = rand64([3], 4, { lo: -0.1, hi: 0.1 });
  check(ops.modReLU, [z, b]);
});

test('matrixExp: diagonal, rotation, and Q·diag(e^λ)·Qᵀ for a symmetric matrix of large norm', () => {
  const d = ops.matrixExp(tensor([[1, 0], [0, -2]], undefined, { dtype: 'float64' }));
  assertClose(d.toArray(), [Math.E, 0, 0, Math.exp(-2)], 1e-15, 1e-15);
  const th = 2.5;
  const r = ops.matrixExp(tensor([[0, th], [-th, 0]], undefined, { dtype: 'float64' }));
  assertClose(r.toArray(), [Math.cos(th), Math.sin(th), -Math.sin(th), Math.cos(th)], 1e-15);
  // A = Q Λ Qᵀ with eigenvalues up to 12 (‖A‖₁ well above θ₁₃: several squarings)
  const n = 6, q = orthogonalMatrix(n, new Rng(8)), lam = [-12, -3, -0.5, 0.7, 4, 12];
  const a = new Float64Array(n * n), e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) { a[i * n + j] += q[i * n + k] * lam[k] * q[j * n + k]; e[i * n + j] += q[i * n + k] * Math.exp(lam[k]) * q[j * n + k]; }
    }
  }
  assertClose(ops.matrixExp(tensor(a, [n, n], { dtype: 'float64' })).toArray(), e, 1e-9, 1e-12);
  assert.throws(() => ops.matrixExp(tensor([1, 2, 3], undefined, { dtype: 'float64' })), /matrixExp: expected a square matrix \[n, n\], got \[3\]/);
});

test('matrixExp of a skew-symmetric matrix is orthogonal, in float32 too', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const n = 9, rng = new Rng(2), a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { a[i * n + j] = rng.uniform(-3, 3); a[j * n + i] = -a[i * n + j]; }
    const w = ops.matrixExp(tensor(a, [n, n], { dtype })).toArray();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += w[k * n + i] * w[k * n + j];
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < (dtype === 'float64' ? 1e-13 : 1e-6), `${dtype} (WᵀW)[${i}, ${j}] = ${dot}`);
      }
    }
  }
});

test('matrixExp gradcheck (float64), small norm (no squaring) and large norm (squarings)', () => {
  check(ops.matrixExp, [rand64([4, 4], 11, { lo: -0.3, hi: 0.3 })]);
  check(ops.matrixExp, [rand64([5, 5], 12, { lo: -3, hi: 3 })], { rtol: 1e-5 });
  // composed: the exact gradient flows on through what uses exp(A)
  check((a) => ops.matmul(ops.matrixExp(a), ops.tanh(a)), [rand64([3, 3], 13)]);
});

test('circularShift gradcheck (float64), shifts −1 … 1 and −2 … 2', () => {
  check(ops.circularShift, [rand64([2, 5], 21), rand64([2, 3], 22)]);
  check(ops.circularShift, [rand64([3, 6], 23), rand64([3, 5], 24)]);
});
