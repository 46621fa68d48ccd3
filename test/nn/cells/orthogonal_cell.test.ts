// OrthogonalRNNCell (expRNN): W_hh = exp(A) with A = U − Uᵀ is orthogonal at the start and stays so
// after many optimizer steps (float32 to 1e-5, float64 to 1e-10); the step equals its definition
// with modReLU written out by hand; the parametrisation and the cell pass float64 gradchecks; exp(A)
// is computed once per sequence and afresh after the parameter or the graph changed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { Linear, OrthogonalRNNCell, Recurrence } from '../../../src/nn/index.js';
import { mseLoss } from '../../../src/nn/losses/regression.js';
import { Adam } from '../../../src/optim/adam.js';
import { Rng } from '../../../src/tensor/random.js';
import { randn, type Tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

// max |WᵀW − I|
function orthogonalityError(w: Tensor): number {
  const n = w.shape[0], v = w.toArray();
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += v[k * n + i] * v[k * n + j];
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

test('W_hh starts orthogonal, as rotations in 2 × 2 planes; A is skew-symmetric and built from the upper triangle only', () => {
  const cell = new OrthogonalRNNCell({ inputSize: 2, hiddenSize: 5 }, { dtype: 'float64', rng: new Rng(1) });
  const w = ops.noGrad(() => cell.weightHh());
  assert.ok(orthogonalityError(w) < 1e-14);
  const p = cell.log_weight_hh.toArray(), wv = w.toArray();
  // block [0:2, 0:2] is the rotation by θ = p[0, 1]; the odd last unit is left alone (W[4, 4] = 1)
  assertClose([wv[0], wv[1], wv[5], wv[6]], [Math.cos(p[1]), Math.sin(p[1]), -Math.sin(p[1]), Math.cos(p[1])], 1e-15);
  assert.equal(wv[24], 1);
  cell.log_weight_hh.data.set(Array.from({ length: 25 }, (_, k) => Math.sin(k)));
  const a = ops.noGrad(() => cell.skew()).toArray();
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) assert.equal(a[i * 5 + j], i < j ? Math.sin(i * 5 + j) : i > j ? -Math.sin(j * 5 + i) : 0);
  }
});

test('a step is modReLU(x W_ihᵀ + h exp(A)ᵀ, b), written out by hand', () => {
  const I = 2, H = 3, cell = new OrthogonalRNNCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64', rng: new Rng(2) });
  const x = rand64([2, I], 3, { grad: false }), h = rand64([2, H], 4, { grad: false });
  const [out] = ops.noGrad(() => cell.step(x, [h]));
  const w = ops.noGrad(() => cell.weightHh()).toArray(), wih = cell.weight_ih.toArray(), b = cell.bias.toArray();
  const want: number[] = [];
  for (let n = 0; n < 2; n++) {
    for (let i = 0; i < H; i++) {
      let z = 0;
      for (let k = 0; k < I; k++) z += x.toArray()[n * I + k] * wih[i * I + k];
      for (let k = 0; k < H; k++) z += h.toArray()[n * H + k] * w[i * H + k];
      want.push(Math.abs(z) + b[i] > 0 ? Math.sign(z) * (Math.abs(z) + b[i]) : 0);
    }
  }
  assertClose(out.toArray(), want, 1e-14);
});

test('gradcheck (float64) of the parametrisation log_weight_hh ↦ exp(triu(P) − triu(P)ᵀ), and of the cell over 4 steps', () => {
  const cell = new OrthogonalRNNCell({ inputSize: 2, hiddenSize: 4 }, { dtype: 'float64', rng: new Rng(5) });
  check(() => cell.weightHh(), [cell.log_weight_hh]);
  // the entries on and below the diagonal are unused: zero gradient
  const g = cell.log_weight_hh.grad!.toArray();
  for (let i = 0; i < 4; i++) for (let j = 0; j <= i; j++) assert.ok(g[i * 4 + j] === 0, `grad[${i}, ${j}] = ${g[i * 4 + j]}`);
  assert.ok(g.some((v) => v !== 0));
  cell.bias.data.set([0.3, -0.05, 0.2, 0.1]);
  const x = rand64([4, 3, 2], 6);
  check((xx) => new Recurrence(cell).forward(xx)[0], [x, ...cell.parameters()]);
});

for (const [dtype, tol] of [['float32', 1e-5], ['float64', 1e-10]] as const) {
  test(`W_hh stays orthogonal after 300 Adam steps (${dtype}: |WᵀW − I| < ${tol})`, () => {
    const rng = new Rng(7), H = 8;
    const cell = new OrthogonalRNNCell({ inputSize: 3, hiddenSize: H }, { dtype, rng });
    const rnn = new Recurrence(cell), head = new Linear({ inFeatures: H, outFeatures: 1 }, { dtype, rng });
    const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 0.05 });
    const start = ops.noGrad(() => cell.weightHh()).toArray();
    const x = randn([6, 4, 3], { dtype, rng }), y = randn([6, 4, 1], { dtype, rng });
    let first = NaN, last = NaN;
    for (let s = 0; s < 300; s++) {
      opt.zeroGrad();
      const loss = mseLoss(head.forward(rnn.forward(x)[0]), y);
      loss.backward();
      opt.step();
      if (s === 0) first = loss.item();
      last = loss.item();
    }
    const w = ops.noGrad(() => cell.weightHh());
    const moved = Math.max(...w.toArray().map((v, k) => Math.abs(v - start[k])));
    assert.ok(moved > 0.3, `W_hh moved by ${moved} only`);
    assert.ok(last < first, `loss ${first} → ${last}`);
    const err = orthogonalityError(w);
    assert.ok(err < tol, `|WᵀW − I| = ${err}`);
  });
}

test('exp(A) is made once per sequence, and again after the parameter changes or the graph was used', () => {
  const cell = new OrthogonalRNNCell({ inputSize: 1, hiddenSize: 3 }, { dtype: 'float64', rng: new Rng(9) });
  const w1 = cell.weightHh();
  assert.equal(cell.weightHh(), w1, 'same version, same graph: reused');
  const w0 = ops.noGrad(() => cell.weightHh());
  assert.notEqual(w0, w1, 'no-grad mode gets its own');
  assert.equal(w0.requiresGrad, false);
  ops.sum(w1).backward();
  const w2 = cell.weightHh();
  assert.notEqual(w2, w1, 'after backward the old graph is spent');
  cell.log_weight_hh.data[1] += 0.5; // a write: a new version
  const w3 = cell.weightHh();
  assert.notEqual(w3, w2);
  assert.notDeepEqual(w3.toArray(), w2.toArray());
});
