// DeepTransitionCell against the DT-RNN and DT(S)-RNN equations written as plain loops on hand-set
// weights; depth 1 against RNNCell; float64 gradcheck through the deep layers and the shortcut;
// bad configs; running under the Recurrence wrapper.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeepTransitionCell, RNNCell, Recurrence } from '../../../src/nn/index.js';
import { unroll } from '../../../src/nn/seq/index.js';
import { mul, sum } from '../../../src/autograd/index.js';
import { check, rand64 } from '../../helpers/tensors.js';
import { affine, handRnn, mat, vec, type Mat, type Vec } from '../../helpers/reference_rnn.js';
import { close, t64 } from '../../helpers/recurrent_layers.js';

const I = 2, H = 3, T = 5;
const xs: Vec[][] = vec(T, (t) => [0, 1].map((b) => [Math.sin(0.7 * t + b), 0.3 * t - 0.5 * b - 0.6]));
const deepW = (l: number): Mat => mat(H, H, (r, c) => 0.15 * (((r + 2 * c + l) % 5) - 2));
const deepB = (l: number): Vec => vec(H, (r) => 0.03 * (r - l));
const shortW: Mat = mat(H, H, (r, c) => 0.1 * (((3 * r + c) % 4) - 1.5));

// The reference: z_1 = tanh(W x + b_ih + U h + b_hh), z_l = tanh(W_l z + b_l), shortcut into z_L.
function dtRun(x: Vec[], h0: Vec, depth: number, shortcut: boolean): Vec[] {
  const w = handRnn(I, H);
  const out: Vec[] = [];
  let h = h0;
  for (const xt of x) {
    const a = affine(w.wih, xt, w.bih), b = affine(w.whh, h, w.bhh);
    let z = a.map((v, k) => Math.tanh(v + b[k]));
    for (let l = 2; l <= depth; l++) {
      let pre = affine(deepW(l), z, deepB(l));
      if (shortcut && l === depth) { const s = affine(shortW, h); pre = pre.map((v, k) => v + s[k]); }
      z = pre.map(Math.tanh);
    }
    h = z;
    out.push(h);
  }
  return out;
}

function loaded(depth: number, shortcut: boolean): DeepTransitionCell {
  const cell = new DeepTransitionCell({ inputSize: I, hiddenSize: H, depth, shortcut }, { dtype: 'float64' });
  const w = handRnn(I, H);
  const dict: Record<string, ReturnType<typeof t64>> = { weight_ih: t64(w.wih), weight_hh: t64(w.whh), bias_ih: t64(w.bih), bias_hh: t64(w.bhh) };
  for (let l = 2; l <= depth; l++) { dict[`weight_deep${l}`] = t64(deepW(l)); dict[`bias_deep${l}`] = t64(deepB(l)); }
  if (shortcut) dict.weight_shortcut = t64(shortW);
  cell.loadStateDict(dict);
  return cell;
}

for (const [depth, shortcut] of [[2, false], [3, false], [3, true], [2, true]] as const) {
  test(`DeepTransitionCell depth ${depth}${shortcut ? ' DT(S)' : ''} equals the plainly written transition MLP over ${T} steps`, () => {
    const cell = loaded(depth, shortcut);
    const h0 = [[0.2, -0.1, 0.4], [-0.3, 0.5, 0.0]];
    const out = unroll(cell, t64(xs), { carry: [t64(h0)] }).outputs; // [T, B, H]
    const ref = [0, 1].map((b) => dtRun(xs.map((x) => x[b]), h0[b], depth, shortcut));
    close(out.toArray(), vec(T, (t) => [ref[0][t], ref[1][t]]), 1e-14);
  });
}

test('DeepTransitionCell with depth 1 is exactly RNNCell (same parameters, same outputs)', () => {
  const dt = new DeepTransitionCell({ inputSize: I, hiddenSize: H, depth: 1 }, { dtype: 'float64' });
  const plain = new RNNCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  assert.deepEqual(Object.keys(dt.stateDict()), Object.keys(plain.stateDict()));
  dt.loadStateDict(plain.stateDict());
  const h0 = t64([[0.1, -0.2, 0.3], [0.4, 0.0, -0.5]]);
  assert.deepEqual(unroll(dt, t64(xs), { carry: [h0] }).outputs.toArray(), unroll(plain, t64(xs), { carry: [h0] }).outputs.toArray());
  assert.deepEqual(dt.forward(t64(xs[0][1])).toArray(), plain.forward(t64(xs[0][1])).toArray());
});

test('DeepTransitionCell gradcheck (float64): deep layers, shortcut, inputs and initial state', () => {
  const cell = new DeepTransitionCell({ inputSize: I, hiddenSize: H, depth: 3, shortcut: true, nonlinearity: 'tanh' }, { dtype: 'float64' });
  const x = rand64([4, 2, I], 41), h0 = rand64([2, H], 42), r = rand64([4, 2, H], 43, { grad: false });
  check((xi, hi) => sum(mul(unroll(cell, xi, { carry: [hi] }).outputs, r)), [x, h0, ...cell.parameters()]);
  assert.ok(cell.weight_shortcut!.grad!.toArray().some((g) => Math.abs(g) > 1e-8));
});

test('DeepTransitionCell runs under Recurrence and refuses bad configs', () => {
  const rec = new Recurrence(new DeepTransitionCell({ inputSize: I, hiddenSize: H, depth: 2, nonlinearity: 'relu' }, { dtype: 'float64' }));
  const [y] = rec.forward(t64(xs));
  assert.deepEqual(y.shape, [T, 2, H]);
  assert.throws(() => new DeepTransitionCell({ inputSize: 1, hiddenSize: 2, depth: 0 }), /DeepTransitionCell: expected depth to be a positive integer <= 1024, got 0/);
  assert.throws(() => new DeepTransitionCell({ inputSize: 1, hiddenSize: 2, depth: 1, shortcut: true }), /expected depth >= 2 for a shortcut \(DT\(S\)\), got depth 1/);
  assert.throws(() => new DeepTransitionCell({ inputSize: 1, hiddenSize: 2, nonlinearity: 'sigmoid' as 'tanh' }), /expected nonlinearity tanh or relu, got sigmoid/);
});
