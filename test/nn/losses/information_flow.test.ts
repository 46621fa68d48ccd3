// The information-flow regulariser: the state gradients v_t from the BPTT recurrence equal autograd's
// ∂L/∂h_t of the same net unrolled step by step; Ω equals its definition computed by hand; Ω's
// gradient with v held constant matches finite differences of exactly that quantity (float64, tanh
// and relu); with the states held too (Pascanu et al.'s code), Ω's gradient with respect to W_hh
// matches central differences of Ω(W_hh) at fixed states and v; backwardWithInformationFlow leaves
// ∇L + λ∇Ω in both forms; and training with it drives Ω down.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { Linear, RNN, RNNCell } from '../../../src/nn/index.js';
import { backwardWithInformationFlow, informationFlowHeld, informationFlowPenalty, stateGradients } from '../../../src/nn/losses/information_flow.js';
import { mseLoss } from '../../../src/nn/losses/regression.js';
import { Adam } from '../../../src/optim/adam.js';
import { Rng } from '../../../src/tensor/random.js';
import { randn, tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const T = 5, B = 2, I = 2, H = 3;
const f64 = { dtype: 'float64' as const };

// A loss that reads every output and the final state, with fixed weights.
function lossOf(out: Tensor, hn: Tensor): Tensor {
  const r = rand64([T, B, H], 50, { grad: false }), q = rand64([B, H], 51, { grad: false });
  return ops.add(ops.sum(ops.mul(ops.tanh(out), r)), ops.sum(ops.mul(ops.square(ops.reshape(hn, [B, H])), q)));
}

for (const f of ['tanh', 'relu'] as const) {
  test(`stateGradients (${f}) equals autograd's ∂L/∂h_t of the net unrolled by hand`, () => {
    const rnn = new RNN({ inputSize: I, hiddenSize: H, nonlinearity: f }, { ...f64, rng: new Rng(1) });
    const x = rand64([T, B, I], 2, { grad: false });
    const [out, hn] = rnn.forward(x);
    out.retainGrad(); hn.retainGrad();
    lossOf(out, hn).backward();
    const direct = Float64Array.from(out.grad!.dataSync());
    hn.grad!.dataSync().forEach((g, k) => { direct[(T - 1) * B * H + k] += g; });
    const v = stateGradients(out, tensor(direct, out.shape, f64), rnn.cells[0][0].weight_hh, f).toArray();
    // the same net, one RNNCell step at a time, each h_t kept
    const cell = new RNNCell({ inputSize: I, hiddenSize: H, nonlinearity: f }, f64);
    cell.loadStateDict({ weight_ih: rnn.stateDict().weight_ih_l0, weight_hh: rnn.stateDict().weight_hh_l0, bias_ih: rnn.stateDict().bias_ih_l0, bias_hh: rnn.stateDict().bias_hh_l0 });
    let h = cell.initCarry(B)[0];
    const hs: Tensor[] = [];
    for (let t = 0; t < T; t++) { h = cell.step(ops.select(x, 0, t), [h])[0].retainGrad(); hs.push(h); }
    lossOf(ops.stack(hs, 0), ops.reshape(h, [1, B, H])).backward();
    assertClose(v, hs.flatMap((ht) => ht.grad!.toArray()), 1e-14, 1e-12);
  });
}

test('stateGradients in float32 (the default backend\'s kernels) agrees with float64 to float32 rounding, variable T·B', () => {
  for (const [t, b, h] of [[1, 3, 4], [7, 5, 9], [40, 2, 33]]) {
    const hs = ops.tanh(rand64([t, b, h], 20, { grad: false })), d = rand64([t, b, h], 21, { grad: false });
    const w = ops.mul(rand64([h, h], 22, { grad: false }), 1 / Math.sqrt(h));
    const want = stateGradients(hs, d, w, 'tanh').toArray();
    const f32 = (x: Tensor) => tensor(x.toArray(), x.shape);
    const got = stateGradients(f32(hs), f32(d), f32(w), 'tanh');
    assert.equal(got.dtype, 'float32');
    assertClose(got.toArray(), want, 1e-4, 1e-4, `T ${t}, B ${b}, H ${h}`);
  }
});

test('Ω equals Σ_t (‖(v_t ⊙ (1 − h_t²)) W_hh‖ / ‖v_t‖ − 1)² / B computed by hand, skipping v_t = 0', () => {
  const h = rand64([3, 1, 2], 3, { grad: false }), w = rand64([2, 2], 4, { grad: false });
  const v = [0.5, -1, 0, 0, 2, 0.3]; // t = 1 has v = 0
  const hv = h.toArray(), wv = w.toArray();
  const t2 = [v[4] * (1 - hv[4] ** 2), v[5] * (1 - hv[5] ** 2)];
  const u = [t2[0] * wv[0] + t2[1] * wv[2], t2[0] * wv[1] + t2[1] * wv[3]];
  const want = (Math.hypot(u[0], u[1]) / Math.hypot(v[4], v[5]) - 1) ** 2;
  assertClose([informationFlowPenalty(h, w, v, 'tanh').item()], [want], 1e-11);
});

test('gradcheck of Ω with v held constant (tanh, float64): through the states to every parameter and input, and through W_hh', () => {
  const rnn = new RNN({ inputSize: I, hiddenSize: H }, { ...f64, rng: new Rng(6) });
  const x = rand64([T, B, I], 7);
  const v = rand64([T, B, H], 8, { grad: false }).toArray(); // any constant v_t
  check((xx) => informationFlowPenalty(rnn.forward(xx)[0], rnn.cells[0][0].weight_hh, v, 'tanh'), [x, ...rnn.parameters()]);
});

test('gradcheck of Ω with v held constant (relu, float64): f′ is piecewise constant, so only W_hh gets a gradient', () => {
  const rnn = new RNN({ inputSize: I, hiddenSize: H, nonlinearity: 'relu' }, { ...f64, rng: new Rng(6) });
  const x = rand64([T, B, I], 7);
  const v = rand64([T, B, H], 8, { grad: false }).toArray();
  const whh = rnn.cells[0][0].weight_hh;
  check(() => informationFlowPenalty(rnn.forward(x)[0], whh, v, 'relu'), [whh]);
  assert.ok(whh.grad!.toArray().some((g) => g !== 0));
  assert.ok(x.grad === null || x.grad.toArray().every((g) => g === 0));
});

// L's value and parameter gradients alone (from zeroed gradients), its state gradients v, and the states.
function lossGradients(rnn: RNN, x: Tensor): { loss: number; gL: number[][]; v: ArrayLike<number>; states: Tensor } {
  rnn.zeroGrad();
  const [out, hn] = rnn.forward(x);
  out.retainGrad(); hn.retainGrad();
  const l = lossOf(out, hn);
  l.backward();
  const gL = rnn.parameters().map((p) => p.grad!.toArray());
  const direct = Float64Array.from(out.grad!.dataSync());
  hn.grad!.dataSync().forEach((g, k) => { direct[(T - 1) * B * H + k] += g; });
  const v = stateGradients(out, tensor(direct, out.shape, f64), rnn.cells[0][0].weight_hh, 'tanh').dataSync();
  return { loss: l.item(), gL, v, states: out };
}

for (const f of ['tanh', 'relu'] as const) {
  test(`informationFlowHeld (${f}): its penalty is Ω, and its W_hh gradient matches central differences of Ω(W_hh) at fixed states and v`, () => {
    const h = rand64([T, B, H], 21, { grad: false }), w = rand64([H, H], 22, { grad: false });
    const states = f === 'relu' ? ops.sub(h, 0.2) : ops.mul(ops.tanh(h), 0.9);
    const v = rand64([T, B, H], 23, { grad: false }).toArray();
    v.fill(0, B * H, 2 * B * H); // t = 1 has v = 0: left out
    const { penalty, gradient } = informationFlowHeld(states, w, v, f);
    assertClose([penalty], [informationFlowPenalty(states, w, v, f).item()], 1e-13);
    const omegaAt = (wv: number[]): number => informationFlowPenalty(states, tensor(wv, [H, H], f64), v, f).item();
    const wv = w.toArray(), eps = 1e-6;
    const fd = wv.map((_, k) => {
      const up = [...wv], down = [...wv];
      up[k] += eps; down[k] -= eps;
      return (omegaAt(up) - omegaAt(down)) / (2 * eps);
    });
    assertClose(gradient.toArray(), fd, 1e-7, 1e-6);
    assert.ok(fd.some((g) => Math.abs(g) > 1e-3), 'a gradient that is not zero');
  });
}

test('backwardWithInformationFlow with heldStates leaves ∇L + λ ∂Ω/∂W_hh (states held) in W_hh and ∇L in the other parameters', () => {
  const rnn = new RNN({ inputSize: I, hiddenSize: H }, { ...f64, rng: new Rng(12) });
  const x = rand64([T, B, I], 13, { grad: false });
  const [out, hn] = rnn.forward(x);
  const step = backwardWithInformationFlow(lossOf(out, hn), { layer: rnn, output: out, final: hn }, 0.7, { heldStates: true });
  const got = rnn.parameters().map((p) => p.grad!.toArray());
  const { loss, gL, v, states } = lossGradients(rnn, x);
  const whh = rnn.cells[0][0].weight_hh;
  // Ω differentiated by autograd with the states as data: only W_hh is a leaf that reaches it
  const held = tensor(states.toArray(), states.shape, f64);
  const w = tensor(whh.toArray(), whh.shape, { ...f64, requiresGrad: true });
  const omega = informationFlowPenalty(held, w, v, 'tanh');
  omega.backward();
  const gW = w.grad!.toArray();
  rnn.parameters().forEach((p, k) => {
    const want = p === whh ? gL[k].map((a, j) => a + 0.7 * gW[j]) : gL[k];
    assertClose(got[k], want, 1e-13, 1e-12, `parameter ${k}`);
  });
  assertClose([step.loss, step.penalty], [loss, omega.item()], 1e-14, 1e-12);
});

test('backwardWithInformationFlow leaves ∇L + λ∇Ω in the parameters, and refuses stacks it does not cover', () => {
  const rnn = new RNN({ inputSize: I, hiddenSize: H }, { ...f64, rng: new Rng(9) });
  const x = rand64([T, B, I], 10, { grad: false });
  const [out, hn] = rnn.forward(x);
  const step = backwardWithInformationFlow(lossOf(out, hn), { layer: rnn, output: out, final: hn }, 0.7);
  const got = rnn.parameters().map((p) => p.grad!.toArray());
  // the same two parts, separately
  const { loss, gL, v } = lossGradients(rnn, x);
  rnn.zeroGrad();
  const omega = informationFlowPenalty(rnn.forward(x)[0], rnn.cells[0][0].weight_hh, v, 'tanh');
  omega.backward();
  const gO = rnn.parameters().map((p) => p.grad!.toArray());
  got.forEach((g, k) => assertClose(g, gL[k].map((a, j) => a + 0.7 * gO[k][j]), 1e-13, 1e-12, `parameter ${k}`));
  assertClose([step.loss, step.penalty], [loss, omega.item()], 1e-14, 1e-12);
  assert.throws(() => backwardWithInformationFlow(lossOf(out, hn), { layer: new RNN({ inputSize: I, hiddenSize: H, numLayers: 2 }), output: out }, 1),
    /expected a one-layer, one-direction, time-major RNN, got numLayers 2/);
});

test('training with the regulariser drives Ω down from a vanishing start; without it Ω stays large', () => {
  // Ω of the net now: the penalty backwardWithInformationFlow reports (its gradients are dropped)
  const measure = (rnn: RNN, head: Linear, x: Tensor, y: Tensor): number => {
    const [out, hn] = rnn.forward(x);
    const omega = backwardWithInformationFlow(mseLoss(head.forward(ops.reshape(hn, [16, 8])), y), { layer: rnn, output: out, final: hn }, 1).penalty;
    rnn.zeroGrad(); head.zeroGrad();
    return omega;
  };
  const run = (weight: number): [number, number] => {
    const rng = new Rng(11);
    // small recurrent weights: the gradient shrinks several-fold per step backward, Ω large
    const rnn = new RNN({ inputSize: 2, hiddenSize: 8 }, { rng });
    rnn.cells[0][0].weight_hh.data.set(rnn.cells[0][0].weight_hh.toArray().map((w) => 0.1 * w));
    const head = new Linear({ inFeatures: 8, outFeatures: 1 }, { rng });
    const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 0.01 });
    const x = randn([20, 16, 2], { rng }), y = randn([16, 1], { rng });
    const before = measure(rnn, head, x, y);
    for (let s = 0; s < 60; s++) {
      opt.zeroGrad();
      const [out, hn] = rnn.forward(x);
      backwardWithInformationFlow(mseLoss(head.forward(ops.reshape(hn, [16, 8])), y), { layer: rnn, output: out, final: hn }, weight);
      opt.step();
    }
    return [before, measure(rnn, head, x, y)];
  };
  const [start, regularised] = run(1), [, plain] = run(0);
  assert.ok(regularised < 0.25 * start, `with Ω: ${start} → ${regularised}`);
  assert.ok(regularised < 0.5 * plain, `with Ω ${regularised}, without ${plain}`);
});

test('backwardWithInformationFlow: the fused layer (its backward\'s own dz reused) and the per-step one (v from a second backward pass) leave the same gradients', () => {
  for (const heldStates of [false, true]) {
    const grads = [true, false].map((fused) => {
      const rnn = new RNN({ inputSize: I, hiddenSize: H, fused }, { ...f64, rng: new Rng(31) });
      const [out, hn] = rnn.forward(rand64([T, B, I], 32, { grad: false }));
      const step = backwardWithInformationFlow(lossOf(out, hn), { layer: rnn, output: out, final: hn }, 0.4, { heldStates });
      return [step.loss, step.penalty, ...rnn.parameters().flatMap((p) => p.grad!.toArray())];
    });
    assert.ok(Math.abs(grads[0][1]) > 1e-3, 'a penalty that is not zero');
    assertClose(grads[0], grads[1], 1e-12, 1e-11, `heldStates ${heldStates}`);
  }
});

test('informationFlowHeld in float32: Ω and its gradient do not change when a step\'s state gradient is scaled down to 1e-30 (each term is scale-free), and stay finite', () => {
  const rng = new Rng(41), n = 6;
  const states = ops.mul(ops.tanh(randn([n, B, 8], { rng })), 0.9), w = ops.mul(randn([8, 8], { rng }), 0.4);
  const v = randn([n, B, 8], { rng }).toArray();
  const small = v.map((x, k) => x * 10 ** (-6 * Math.floor(k / (B * 8)))); // step t scaled by 1e−6t, down to 1e−30
  const a = informationFlowHeld(states, w, v, 'tanh'), b = informationFlowHeld(states, w, new Float32Array(small), 'tanh');
  assert.ok(b.gradient.toArray().every(Number.isFinite) && Number.isFinite(b.penalty), 'finite');
  assertClose([b.penalty], [a.penalty], 1e-5, 1e-5);
  assertClose(b.gradient.toArray(), a.gradient.toArray(), 1e-4, 1e-5);
});
