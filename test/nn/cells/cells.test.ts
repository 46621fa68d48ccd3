// RNNCell (tanh, relu), LSTMCell (i|f|g|o, forgetBias) and GRUCell (reset-after = PyTorch,
// reset-before = Keras) against the equations in reference_rnn.ts, on hand-set weights
// (I = 2, H = 3, entries from small integer formulas), batched and unbatched, with and without
// a given state, over three chained steps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRUCell, LSTMCell, RNNCell } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { assertClose } from '../../helpers/tensors.js';
import { gruStep, lstmStep, rnnStep, type CellWeights, type Mat } from '../../helpers/reference_rnn.js';

const I = 2, H = 3;

// Hand-set weights: every entry a multiple of 0.01 from a formula on its row r and column c.
function handWeights(G: number): CellWeights {
  const mat = (rows: number, cols: number, f: (r: number, c: number) => number): Mat =>
    Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => f(r, c)));
  return {
    wih: mat(G * H, I, (r, c) => 0.1 * (((r + 2 * c) % 5) - 2)),
    whh: mat(G * H, H, (r, c) => 0.1 * (((2 * r + c) % 7) - 3)),
    bih: Array.from({ length: G * H }, (_, r) => 0.05 * (r % 4) - 0.07),
    bhh: Array.from({ length: G * H }, (_, r) => 0.02 * (r - 5)),
  };
}

const t64 = (v: number[][] | number[]) => tensor(v, undefined, { dtype: 'float64' });

function load(cell: RNNCell | LSTMCell | GRUCell, w: CellWeights): void {
  cell.loadStateDict({ weight_ih: t64(w.wih), weight_hh: t64(w.whh), bias_ih: t64(w.bih!), bias_hh: t64(w.bhh!) });
}

const xs: number[][][] = [0, 1, 2].map((t) => [0, 1].map((b) => [0.5 * (1 + t) - 0.8 * b, -0.4 + 0.3 * t + 0.6 * b]));
const h0: number[][] = [0, 1].map((b) => [0, 1, 2].map((k) => 0.2 * (k - 1) + 0.1 * b));
const c0: number[][] = [0, 1].map((b) => [0, 1, 2].map((k) => 0.3 - 0.25 * k + 0.2 * b));
const rows = (t: Tensor): number[] => t.toArray();

for (const nonlinearity of ['tanh', 'relu'] as const) {
  test(`RNNCell ${nonlinearity} equals h' = f(W_ih x + b_ih + W_hh h + b_hh) over three steps`, () => {
    const w = handWeights(1);
    const cell = new RNNCell({ inputSize: I, hiddenSize: H, nonlinearity }, { dtype: 'float64' });
    load(cell, w);
    let h = t64(h0), ref = h0.map((r) => [...r]);
    let zeros = 0;
    for (const x of xs) {
      h = cell.forward(t64(x), h);
      ref = ref.map((hb, b) => rnnStep(x[b], hb, w, nonlinearity === 'relu'));
      assertClose(rows(h), ref.flat(), 1e-15, 1e-14);
      zeros += ref.flat().filter((v) => v === 0).length;
    }
    if (nonlinearity === 'relu') assert.ok(zeros > 0 && zeros < 18, 'the relu case should clip some but not all units');
    // no state given: zeros; unbatched input [I] gives [H]
    assertClose(rows(cell.forward(t64(xs[0]))), xs[0].map((x) => rnnStep(x, [0, 0, 0], w, nonlinearity === 'relu')).flat(), 1e-15, 1e-14);
    const single = cell.forward(t64(xs[1][1]), t64(h0[1]));
    assert.deepEqual([...single.shape], [H]);
    assertClose(rows(single), rnnStep(xs[1][1], h0[1], w, nonlinearity === 'relu'), 1e-15, 1e-14);
  });
}

test('LSTMCell equals the i|f|g|o equations over three steps, batched and unbatched', () => {
  const w = handWeights(4);
  const cell = new LSTMCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  load(cell, w);
  let state: [Tensor, Tensor] = [t64(h0), t64(c0)];
  let ref = [0, 1].map((b) => [h0[b], c0[b]]);
  for (const x of xs) {
    state = cell.forward(t64(x), state);
    ref = ref.map(([hb, cb], b) => lstmStep(x[b], hb, cb, w));
    assertClose(rows(state[0]), ref.map((r) => r[0]).flat(), 1e-15, 1e-14, 'h');
    assertClose(rows(state[1]), ref.map((r) => r[1]).flat(), 1e-15, 1e-14, 'c');
  }
  const [h1, c1] = cell.forward(t64(xs[0][1]), [t64(h0[1]), t64(c0[1])]);
  assert.deepEqual([...h1.shape], [H]);
  const [rh, rc] = lstmStep(xs[0][1], h0[1], c0[1], w);
  assertClose(rows(h1), rh, 1e-15, 1e-14);
  assertClose(rows(c1), rc, 1e-15, 1e-14);
  const [hz] = cell.forward(t64(xs[2]));
  assertClose(rows(hz), xs[2].map((x) => lstmStep(x, [0, 0, 0], [0, 0, 0], w)[0]).flat(), 1e-15, 1e-14);
});

test('LSTM gate order is i|f|g|o: a large forget-gate bias alone keeps c', () => {
  // All weights 0; biases: i = σ(−30) ≈ 0, f = σ(30) ≈ 1, g = tanh(0), o = σ(0) = ½. Then c' = c
  // and h' = ½ tanh(c). Any other block order changes these values.
  const cell = new LSTMCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  const bias = [-30, -30, -30, 30, 30, 30, 0, 0, 0, 0, 0, 0];
  cell.loadStateDict({ weight_ih: t64(new Array(12).fill([0, 0])), weight_hh: t64(new Array(12).fill([0, 0, 0])), bias_ih: t64(bias), bias_hh: t64(new Array(12).fill(0)) });
  const [h, c] = cell.forward(t64(xs[0]), [t64(h0), t64(c0)]);
  assertClose(rows(c), c0.flat(), 1e-12);
  assertClose(rows(h), c0.flat().map((v) => 0.5 * Math.tanh(v)), 1e-12);
});

test('LSTMCell forgetBias sets b_if + b_hf (half in each) and leaves the other rows alone', () => {
  const plain = new LSTMCell({ inputSize: I, hiddenSize: H }, { rng: new Rng(5), dtype: 'float64' });
  const fb = new LSTMCell({ inputSize: I, hiddenSize: H, forgetBias: 1 }, { rng: new Rng(5), dtype: 'float64' });
  for (const name of ['bias_ih', 'bias_hh'] as const) {
    const a = Array.from(plain[name]!.data), b = Array.from(fb[name]!.data);
    assert.deepEqual(b.slice(H, 2 * H), [0.5, 0.5, 0.5]);
    assert.deepEqual([...b.slice(0, H), ...b.slice(2 * H)], [...a.slice(0, H), ...a.slice(2 * H)]);
  }
  assert.deepEqual(Array.from(fb.weight_ih.data), Array.from(plain.weight_ih.data));
  assert.throws(() => new LSTMCell({ inputSize: I, hiddenSize: H, bias: false, forgetBias: 1 }), /forgetBias needs bias: true/);
});

for (const resetAfter of [true, false]) {
  test(`GRUCell resetAfter=${resetAfter} (${resetAfter ? 'PyTorch' : 'Keras'} form) equals its equations over three steps`, () => {
    const w = handWeights(3);
    const cell = new GRUCell({ inputSize: I, hiddenSize: H, resetAfter }, { dtype: 'float64' });
    load(cell, w);
    let h = t64(h0), ref = h0.map((r) => [...r]);
    for (const x of xs) {
      h = cell.forward(t64(x), h);
      ref = ref.map((hb, b) => gruStep(x[b], hb, w, resetAfter));
      assertClose(rows(h), ref.flat(), 1e-15, 1e-14);
    }
    const single = cell.forward(t64(xs[0][0]), t64(h0[0]));
    assert.deepEqual([...single.shape], [H]);
    assertClose(rows(single), gruStep(xs[0][0], h0[0], w, resetAfter), 1e-15, 1e-14);
    assertClose(rows(cell.forward(t64(xs[1]))), xs[1].map((x) => gruStep(x, [0, 0, 0], w, resetAfter)).flat(), 1e-15, 1e-14);
  });
}

test('the two GRU forms differ on these weights (so the tests above tell them apart)', () => {
  const w = handWeights(3);
  const a = gruStep(xs[0][0], h0[0], w, true), b = gruStep(xs[0][0], h0[0], w, false);
  assert.ok(Math.max(...a.map((v, k) => Math.abs(v - b[k]))) > 1e-3);
});

test('cells without bias have no bias parameters and compute without them', () => {
  const w = { ...handWeights(1), bih: null, bhh: null };
  const cell = new RNNCell({ inputSize: I, hiddenSize: H, bias: false }, { dtype: 'float64' });
  cell.loadStateDict({ weight_ih: t64(w.wih), weight_hh: t64(w.whh) });
  assert.deepEqual(cell.namedParameters().map(([n]) => n), ['weight_ih', 'weight_hh']);
  assertClose(rows(cell.forward(t64(xs[0]), t64(h0))), [0, 1].map((b) => rnnStep(xs[0][b], h0[b], w, false)).flat(), 1e-15, 1e-14);
});

test('LSTM layer forgetBias reaches every layer and direction', async () => {
  const { LSTM } = await import('../../../src/nn/index.js');
  const m = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, forgetBias: 2 });
  const biases = Object.entries(m.stateDict()).filter(([n]) => n.startsWith('bias_'));
  assert.equal(biases.length, 8);
  for (const [name, b] of biases) assert.deepEqual(Array.from(b.data.subarray(H, 2 * H)), [1, 1, 1], name);
});
