// VectorConditioning against the equations written out: h_0 = tanh(W_v v + b_v) and v Rᵀ added at
// every step, on an RNNCell (reference loop), an LSTMCell (where the every-step term must equal
// shifting bias_ih by R v) and a JordanCell (one-to-many training); float64 gradcheck through v.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JordanCell, LSTMCell, RNNCell } from '../../../src/nn/index.js';
import { oneToManyTrain, unroll, VectorConditioning } from '../../../src/nn/seq/index.js';
import { indices, mul, sum } from '../../../src/autograd/index.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { addv, affine, handRnn, jordanStep, mat, oneHot, vec, type Vec } from '../../helpers/reference_rnn.js';
import { t64 } from '../../helpers/recurrent_layers.js';

const I = 2, H = 3, V = 2, B = 2, T = 4;
const xs: Vec[][] = vec(T, (t) => [0, 1].map((b) => [0.4 * t - 0.5 + b, Math.sin(t + 2 * b)]));
const vs: Vec[] = [[0.7, -0.3], [-1.1, 0.5]];
const Wv = mat(H, V, (r, c) => 0.3 * (((r + c) % 3) - 1)), bv = [0.1, -0.2, 0.05];
const R = mat(H, V, (r, c) => 0.25 * (((2 * r + c) % 5) - 2));

function conditioning(mode: 'initial-state' | 'every-step' | 'both'): VectorConditioning {
  const c = new VectorConditioning({ vectorSize: V, hiddenSize: H, mode }, { dtype: 'float64' });
  const dict: Record<string, ReturnType<typeof t64>> = {};
  if (mode !== 'every-step') { dict.weight_v = t64(Wv); dict.bias_v = t64(bv); }
  if (mode !== 'initial-state') dict.weight_r = t64(R);
  c.loadStateDict(dict);
  return c;
}

for (const mode of ['initial-state', 'every-step', 'both'] as const) {
  test(`conditioning (${mode}) of an RNNCell equals the reference loop`, () => {
    const w = handRnn(I, H);
    const cell = new RNNCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
    cell.loadStateDict({ weight_ih: t64(w.wih), weight_hh: t64(w.whh), bias_ih: t64(w.bih), bias_hh: t64(w.bhh) });
    const cond = conditioning(mode);
    const bound = cond.bind(cell, t64(vs));
    const out = unroll(bound, t64(xs)).outputs.toArray();
    const ref = [0, 1].map((b) => {
      let h = mode === 'every-step' ? vec(H, () => 0) : affine(Wv, vs[b], bv).map(Math.tanh);
      const extra = mode === 'initial-state' ? vec(H, () => 0) : affine(R, vs[b]);
      return xs.map((x) => (h = addv(affine(w.wih, x[b], w.bih), affine(w.whh, h, w.bhh), extra).map(Math.tanh)));
    });
    assertClose(out, vec(T, (t) => t).flatMap((t) => [ref[0][t], ref[1][t]].flat()), 1e-14, 1e-13);
  });
}

test('every-step conditioning of an LSTMCell (P = 4H) equals shifting bias_ih by R v', () => {
  const cell = new LSTMCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  const cond = new VectorConditioning({ vectorSize: V, hiddenSize: H, mode: 'every-step', projectedSize: 4 * H }, { dtype: 'float64' });
  const v = t64([vs[1]]);
  const x1 = t64(xs.map((x) => [x[1]])); // [T, 1, I]
  const got = unroll(cond.bind(cell, v), x1).outputs.toArray();
  const shifted = new LSTMCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  const sd = cell.stateDict();
  const Rv = affine(cond.weight_r!.tolist() as number[][], vs[1]);
  shifted.loadStateDict({ ...sd, bias_ih: t64(sd.bias_ih.toArray().map((b, k) => b + Rv[k])) });
  assertClose(got, unroll(shifted, x1).outputs.toArray(), 1e-14, 1e-13);
  assert.equal(cond.initialState(v), null);
});

test('one-to-many training: a JordanCell conditioned on v with teacher forcing equals the reference', () => {
  const O = 3;
  const w = {
    wih: null, whh: mat(H, H, (r, c) => 0.2 * (((r + 2 * c) % 5) - 2)), wyh: mat(H, O, (r, c) => 0.3 * (((r + c) % 4) - 1.5)),
    bh: [0.05, -0.1, 0.2], who: mat(O, H, (r, c) => 0.4 * (((2 * r + c) % 3) - 1)), bo: [0, 0.1, -0.1],
  };
  const cell = new JordanCell({ hiddenSize: H, outputSize: O, hiddenToHidden: true }, { dtype: 'float64' });
  cell.loadStateDict({ weight_hh: t64(w.whh), weight_yh: t64(w.wyh), bias_h: t64(w.bh), weight_ho: t64(w.who), bias_o: t64(w.bo) });
  const cond = conditioning('both');
  const targets = [[2, 0], [1, 1], [0, 2], [2, 2]];
  const res = oneToManyTrain(cell, cond, t64(vs), { targets: indices(targets.flat(), [T, B]) });
  const ref = [0, 1].map((b) => {
    let h = affine(Wv, vs[b], bv).map(Math.tanh), y = vec(O, () => 0);
    const wb = { ...w, bh: addv(w.bh, affine(R, vs[b])) };
    return vec(T, (t) => {
      if (t > 0) y = oneHot(targets[t - 1][b], O);
      const s = jordanStep(null, h, y, wb);
      h = s.h;
      return s.o;
    });
  });
  assertClose(res.outputs.toArray(), vec(T, (t) => t).flatMap((t) => [ref[0][t], ref[1][t]].flat()), 1e-14, 1e-13);
});

test('conditioning gradcheck (float64): through v, W_v, b_v, R and the cell', () => {
  const cell = new RNNCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  const cond = new VectorConditioning({ vectorSize: V, hiddenSize: H }, { dtype: 'float64' });
  const v = rand64([B, V], 51), x = rand64([3, B, I], 52), r = rand64([3, B, H], 53, { grad: false });
  check((...ins) => sum(mul(unroll(cond.bind(cell, ins[0]), ins[1]).outputs, r)), [v, x, ...cond.parameters(), ...cell.parameters()]);
});

test('conditioning rejects a wrong vector or batch', () => {
  const cond = new VectorConditioning({ vectorSize: V, hiddenSize: H });
  assert.throws(() => cond.initialState(t64([[1, 2, 3]])), /conditioning vector of shape \[N, 2\], got \[1, 3\]/);
  const bound = cond.bind(new RNNCell({ inputSize: I, hiddenSize: H }), rand64([2, V], 1, { grad: false }).astype('float32'));
  assert.throws(() => bound.initCarry(3), /batch of 2 rows/);
});
