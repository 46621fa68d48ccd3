// LeakyRNNCell against the plainly written leaky update (reference_rnn.ts) on hand-set weights, with α
// fixed per unit and learned through a sigmoid; α = 0 against RNNCell; the multi-time-scale
// initialisation against its formula; float64 gradcheck of weights, α's logits, inputs and state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeakyRNNCell, RNNCell, multiTimescaleAlpha } from '../../../src/nn/index.js';
import { unroll } from '../../../src/nn/seq/index.js';
import { sum, mul } from '../../../src/autograd/index.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { handRnn, leakyStep, sigmoid, vec, type Vec } from '../../helpers/reference_rnn.js';
import { t64 } from '../../helpers/recurrent_layers.js';

const I = 2, H = 3, B = 2;
const xs: Vec[][] = [0, 1, 2, 3].map((t) => [0, 1].map((b) => [0.5 * (1 + t) - 0.8 * b, -0.4 + 0.3 * t + 0.6 * b]));
const h0: Vec[] = [0, 1].map((b) => vec(H, (k) => 0.2 * (k - 1) + 0.1 * b));

function load(cell: LeakyRNNCell | RNNCell, w: ReturnType<typeof handRnn>, extra: Record<string, ReturnType<typeof t64>> = {}): void {
  cell.loadStateDict({ weight_ih: t64(w.wih), weight_hh: t64(w.whh), bias_ih: t64(w.bih), bias_hh: t64(w.bhh), ...extra });
}

test('multiTimescaleAlpha: τ_k = τ_max^(k/(H−1)) from 1 to τ_max, α_k = 1 − 1/τ_k', () => {
  const a = multiTimescaleAlpha(5, 16);
  // τ = 1, 2, 4, 8, 16 exactly (16^(k/4) = 2^k)
  assertClose(a, [0, 1 / 2, 3 / 4, 7 / 8, 15 / 16], 1e-15);
  assert.deepEqual(multiTimescaleAlpha(1, 100), [0]);
  assert.throws(() => multiTimescaleAlpha(3, 0.5), /maxTimescale >= 1, got 0.5/);
});

test('LeakyRNNCell with fixed per-unit α equals h\' = α h + (1 − α) tanh(…) over four steps', () => {
  const w = handRnn(I, H);
  const alpha = [0, 0.3, 0.9];
  const cell = new LeakyRNNCell({ inputSize: I, hiddenSize: H, alpha }, { dtype: 'float64' });
  load(cell, w);
  assert.equal(cell.parameters().length, 4, 'a fixed α is not a parameter');
  let h = t64(h0), ref = h0.map((r) => [...r]);
  for (const x of xs) {
    h = cell.forward(t64(x), h);
    ref = ref.map((hb, b) => leakyStep(x[b], hb, w, alpha));
    assertClose(h.toArray(), ref.flat(), 1e-15, 1e-14);
  }
  // the same through unroll (scan), time-major [T, B, I]
  const run = unroll(cell, t64(xs), { carry: [t64(h0)] });
  assertClose(run.outputs.toArray().slice(-B * H), ref.flat(), 1e-15, 1e-14);
});

test('LeakyRNNCell with learned α = σ(a) and relu equals the reference', () => {
  const w = handRnn(I, H, 1);
  const a = [-1.5, 0.2, 2.0];
  const cell = new LeakyRNNCell({ inputSize: I, hiddenSize: H, learnAlpha: true, nonlinearity: 'relu' }, { dtype: 'float64' });
  load(cell, w, { alpha_logit: t64(a) });
  const alpha = a.map(sigmoid);
  assertClose(cell.alpha().toArray(), alpha, 1e-15);
  let h = t64(h0), ref = h0.map((r) => [...r]);
  for (const x of xs) {
    h = cell.forward(t64(x), h);
    ref = ref.map((hb, b) => leakyStep(x[b], hb, w, alpha, true));
  }
  assertClose(h.toArray(), ref.flat(), 1e-15, 1e-14);
});

test('learned α starts at the multi-time-scale values (clipped away from 0 and 1)', () => {
  const cell = new LeakyRNNCell({ inputSize: 1, hiddenSize: 4, learnAlpha: true, maxTimescale: 27 }, { dtype: 'float64' });
  const want = multiTimescaleAlpha(4, 27).map((v) => Math.min(0.999, Math.max(0.001, v)));
  assertClose(cell.alpha().toArray(), want, 1e-12);
});

test('LeakyRNNCell with α = 0 is exactly RNNCell', () => {
  const w = handRnn(I, H, 2);
  for (const nonlinearity of ['tanh', 'relu'] as const) {
    const leaky = new LeakyRNNCell({ inputSize: I, hiddenSize: H, alpha: 0, nonlinearity }, { dtype: 'float64' });
    const plain = new RNNCell({ inputSize: I, hiddenSize: H, nonlinearity }, { dtype: 'float64' });
    load(leaky, w); load(plain, w);
    const a = unroll(leaky, t64(xs), { carry: [t64(h0)] }).outputs.toArray();
    const b = unroll(plain, t64(xs), { carry: [t64(h0)] }).outputs.toArray();
    assert.deepEqual(a, b);
  }
});

test('LeakyRNNCell gradcheck (float64): weights, α logits, inputs and initial state', () => {
  for (const learnAlpha of [false, true]) {
    const cell = new LeakyRNNCell({ inputSize: I, hiddenSize: H, learnAlpha, maxTimescale: 5 }, { dtype: 'float64' });
    const x = rand64([3, B, I], 11), h = rand64([B, H], 12), r = rand64([3, B, H], 13, { grad: false });
    const params = cell.parameters();
    assert.equal(params.length, learnAlpha ? 5 : 4);
    const f = (xx: typeof x, hh: typeof h) => sum(mul(unroll(cell, xx, { carry: [hh] }).outputs, r));
    check((...ins) => f(ins[0], ins[1]), [x, h, ...params]);
    if (learnAlpha) assert.ok(cell.alpha_logit!.grad!.toArray().some((g) => Math.abs(g) > 1e-6), 'α gets a gradient');
  }
});

test('LeakyRNNCell rejects bad α', () => {
  assert.throws(() => new LeakyRNNCell({ inputSize: 1, hiddenSize: 2, alpha: 1.5 }), /alpha in \[0, 1\], got 1.5/);
  assert.throws(() => new LeakyRNNCell({ inputSize: 1, hiddenSize: 2, alpha: [0.1] }), /expected 2 alpha values/);
});
