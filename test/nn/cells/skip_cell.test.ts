// SkipRNNCell against the plainly written skip recurrence (reference_rnn.ts) on hand-set weights with
// delays {1, 3} and {2} alone, from zero and from given past states; delays [1] against RNNCell;
// float64 gradcheck; bad delays.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RNNCell, SkipRNNCell } from '../../../src/nn/index.js';
import { unroll } from '../../../src/nn/seq/index.js';
import { mul, sum } from '../../../src/autograd/index.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { handRnn, mat, skipRun, vec, type Mat, type Vec } from '../../helpers/reference_rnn.js';
import { t64 } from '../../helpers/recurrent_layers.js';

const I = 2, H = 3, B = 2, T = 6;
const xs: Vec[][] = vec(T, (t) => t).map((t) => [0, 1].map((b) => [Math.sin(0.7 * t + b), 0.3 * t - 0.5 * b - 0.6]));

function loadSkip(cell: SkipRNNCell, delays: number[]): { wih: Mat; bih: Vec; bhh: Vec; U: Map<number, Mat> } {
  const base = handRnn(I, H);
  const U = new Map(delays.map((d, j) => [d, mat(H, H, (r, c) => 0.1 * (((r + 3 * c + 2 * j) % 5) - 2))] as [number, Mat]));
  cell.loadStateDict({
    weight_ih: t64(base.wih), bias_ih: t64(base.bih), bias_hh: t64(base.bhh),
    ...Object.fromEntries(delays.map((d) => [`weight_hh_d${d}`, t64(U.get(d)!)])),
  });
  return { wih: base.wih, bih: base.bih, bhh: base.bhh, U };
}

for (const delays of [[1, 3], [2], [3, 1, 2]]) {
  test(`SkipRNNCell delays [${delays}] equals h_t = tanh(W x_t + Σ_d U_d h_{t−d} + b) over ${T} steps`, () => {
    const cell = new SkipRNNCell({ inputSize: I, hiddenSize: H, delays }, { dtype: 'float64' });
    const D = Math.max(...delays);
    assert.equal(cell.carrySize, D);
    const w = loadSkip(cell, delays);
    // from zeros
    const out = unroll(cell, t64(xs)).outputs; // [T, B, H]
    const zeroPast = vec(D, () => vec(H, () => 0));
    const refRows = [0, 1].map((b) => skipRun(xs.map((x) => x[b]), w, zeroPast));
    const ref = vec(T, (t) => t).flatMap((t) => [0, 1].flatMap((b) => refRows[b][t]));
    assertClose(out.toArray(), ref, 1e-15, 1e-14);
    // from given past states: carry[j] = h_{−1−j}
    const past: Vec[][] = [0, 1].map((b) => vec(D, (j) => vec(H, (k) => 0.3 * Math.cos(j + 2 * k + b))));
    const carry = vec(D, (j) => t64([past[0][j], past[1][j]]));
    const res = unroll(cell, t64(xs), { carry });
    const refRows2 = [0, 1].map((b) => skipRun(xs.map((x) => x[b]), w, past[b]));
    const ref2 = vec(T, (t) => t).flatMap((t) => [0, 1].flatMap((b) => refRows2[b][t]));
    assertClose(res.outputs.toArray(), ref2, 1e-15, 1e-14);
    // the final carry is the last D states, newest first
    for (let j = 0; j < D; j++) assertClose(res.carry[j].toArray(), [0, 1].flatMap((b) => refRows2[b][T - 1 - j]), 1e-15, 1e-14);
  });
}

test('SkipRNNCell with delays [1] is exactly RNNCell', () => {
  const base = handRnn(I, H, 3);
  const skip = new SkipRNNCell({ inputSize: I, hiddenSize: H, delays: [1] }, { dtype: 'float64' });
  const plain = new RNNCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  skip.loadStateDict({ weight_ih: t64(base.wih), weight_hh_d1: t64(base.whh), bias_ih: t64(base.bih), bias_hh: t64(base.bhh) });
  plain.loadStateDict({ weight_ih: t64(base.wih), weight_hh: t64(base.whh), bias_ih: t64(base.bih), bias_hh: t64(base.bhh) });
  const h0 = t64([[0.1, -0.2, 0.3], [0.4, 0.0, -0.5]]);
  assert.deepEqual(unroll(skip, t64(xs), { carry: [h0] }).outputs.toArray(), unroll(plain, t64(xs), { carry: [h0] }).outputs.toArray());
  // and the single-step forward, batched and unbatched
  assert.deepEqual(skip.forward(t64(xs[0]), [h0]).toArray(), plain.forward(t64(xs[0]), h0).toArray());
  assert.deepEqual(skip.forward(t64(xs[0][1])).toArray(), plain.forward(t64(xs[0][1])).toArray());
  assert.deepEqual(skip.forward(t64(xs[0][1]), [t64([0.1, 0.2, -0.3])]).toArray(), plain.forward(t64(xs[0][1]), t64([0.1, 0.2, -0.3])).toArray());
});

test('SkipRNNCell gradcheck (float64): weights of every delay, inputs and past states', () => {
  const cell = new SkipRNNCell({ inputSize: I, hiddenSize: H, delays: [1, 2, 4] }, { dtype: 'float64' });
  const x = rand64([5, B, I], 21), r = rand64([5, B, H], 22, { grad: false });
  const past = vec(4, (j) => rand64([B, H], 30 + j));
  check((...ins) => sum(mul(unroll(cell, ins[0], { carry: ins.slice(1, 5) }).outputs, r)), [x, ...past, ...cell.parameters()]);
  // the oldest past state h_{−4} reaches the output only through U_4 at t = 0
  assert.ok(past[3].grad!.toArray().some((g) => Math.abs(g) > 1e-8));
});

test('SkipRNNCell rejects bad delays and carries', () => {
  assert.throws(() => new SkipRNNCell({ inputSize: 1, hiddenSize: 2, delays: [0] }), /integers >= 1, got 0/);
  assert.throws(() => new SkipRNNCell({ inputSize: 1, hiddenSize: 2, delays: [2, 2] }), /distinct delays/);
  assert.throws(() => new SkipRNNCell({ inputSize: 1, hiddenSize: 2, delays: [] }), /at least one delay/);
  const cell = new SkipRNNCell({ inputSize: 1, hiddenSize: 2, delays: [3] });
  assert.throws(() => cell.stepProjected(t64([[0, 0]]), [t64([[0, 0]])]), /carry of 3 states/);
  assert.throws(() => cell.forward(t64([[1, 2]])), /expected input of shape \[N, 1\], got \[1, 2\]/);
});
