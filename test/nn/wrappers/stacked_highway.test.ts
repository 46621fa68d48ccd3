// StackedRNN's highway connections, y = T ⊙ f(x) + (1 − T) ⊙ x with T = σ(x W_Tᵀ + b_T): against
// the plainly written formula on the reference runs (padded steps 0); a gate bias → −∞ skips the
// layer (its input passes unchanged), → +∞ is the plain stack; gradcheck through the gates;
// config round trip; clear errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { StackedRNN } from '../../../src/nn/wrappers/stacked_rnn.js';
import { LSTM } from '../../../src/nn/layers/lstm.js';
import { RNNCell } from '../../../src/nn/cells/rnn_cell.js';
import { GRUCell } from '../../../src/nn/cells/gru_cell.js';
import { fromConfig, serializeModule } from '../../../src/nn/registry.js';
import { affine, runDirection, sigmoid, toMat, type Vec } from '../../helpers/reference_rnn.js';
import { close, inputTBI, rowOf, setParams, weightsOf } from '../../helpers/recurrent_layers.js';
import { check } from '../../helpers/tensors.js';

const T = 4, B = 3, I = 2, H = 3;
const lengths = [4, 1, 3];
const f64 = { dtype: 'float64' as const };

function stack(highway: boolean | number[], highwayBias?: number): { s: StackedRNN; rnn: RNNCell; gru: GRUCell; lstm: LSTM } {
  const rnn = new RNNCell({ inputSize: I, hiddenSize: H }, f64);
  const gru = new GRUCell({ inputSize: H, hiddenSize: H }, f64);
  const lstm = new LSTM({ inputSize: H, hiddenSize: H }, f64);
  const s = new StackedRNN([rnn, gru, lstm], { highway, highwayBias });
  setParams(s);
  return { s, rnn, gru, lstm };
}

test('StackedRNN with highways around layers 1 and 2 equals y = x + T ⊙ (f(x) − x), with lengths', () => {
  const { s, rnn, gru, lstm } = stack([1, 2]);
  assert.deepEqual(Object.keys(s.stateDict()).filter((n) => n.startsWith('highway')), ['highway.1.weight', 'highway.1.bias', 'highway.2.weight', 'highway.2.bias']);
  const gate = (l: number) => {
    const g = s.highwayGates[l]!;
    return { W: toMat(g.weight.data, H, H), b: Array.from(g.bias!.data) };
  };
  const x = inputTBI(T, B, I, false);
  const [y] = s.forward(x, null, { lengths });
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    const hw = (u: Vec[], v: Vec[], l: number): Vec[] => u.map((r, t) => {
      if (t >= len) return r.map(() => 0);
      const { W, b: bias } = gate(l);
      const Tg = affine(W, v[t], bias).map(sigmoid);
      return r.map((e, k) => Tg[k] * e + (1 - Tg[k]) * v[t][k]);
    });
    const y1 = runDirection('rnn_tanh', weightsOf(rnn), H, rowOf(x, b), len).out;
    const y2 = hw(runDirection('gru', weightsOf(gru), H, y1, len).out, y1, 1);
    const y3 = hw(runDirection('lstm', weightsOf(lstm.cells[0][0]), H, y2, len).out, y2, 2);
    close(rowOf(y, b), y3, 1e-12, `row ${b}`);
  }
});

test('highway gate bias → −∞ skips the layer (identity), → +∞ is the plain stack', () => {
  const x = inputTBI(T, B, I, false);
  const shut = stack([1, 2], -1e4).s, open = stack([1, 2], 1e4).s, plain = stack(false).s;
  for (const s of [shut, open]) for (const g of s.highwayGates) if (g) { g.weight.data.fill(0); g.bias!.data.fill(s === shut ? -1e4 : 1e4); }
  const first = new StackedRNN([shut.layers[0]]);
  close(shut.forward(x)[0].data, first.forward(x)[0].data, 1e-15, 'only layer 0 acts');
  close(open.forward(x)[0].data, plain.forward(x)[0].data, 1e-15, 'the plain stack');
});

test('StackedRNN highway gradcheck (float64) through gates and layers, and its config round trip', () => {
  const { s } = stack([1], -0.5);
  s.highwayGates[1]!.weight.data.forEach((_, k, d) => { d[k] = 0.1 * ((k % 5) - 2); });
  const x = inputTBI(3, 2, I);
  check((xi) => ops.sum(ops.mul(s.forward(xi)[0], 0.7)), [x, ...s.parameters()]);
  const spec = JSON.parse(JSON.stringify(serializeModule(s)));
  assert.deepEqual(spec.config.highway, [1]);
  assert.equal(spec.config.highwayBias, -0.5);
  const back = fromConfig(spec, f64) as StackedRNN;
  back.loadStateDict(s.stateDict());
  close(back.forward(inputTBI(3, 2, I, false))[0].data, s.forward(inputTBI(3, 2, I, false))[0].data, 0);
});

test('StackedRNN refuses a highway around a layer that changes size, or beside a residual', () => {
  const rnn = () => new RNNCell({ inputSize: I, hiddenSize: H });
  assert.throws(() => new StackedRNN([rnn()], { highway: true }), /a highway connection around layer 0 needs equal input and output sizes and no residual connection there, got 2 → 3/);
  const same = () => new RNNCell({ inputSize: H, hiddenSize: H });
  assert.throws(() => new StackedRNN([same()], { highway: [0], residual: [0] }), /got 3 → 3 and a residual connection/);
  assert.throws(() => new StackedRNN([same()], { highway: [2] }), /expected highway layer indices in \[0, 1\), got 2/);
  assert.throws(() => new StackedRNN([same()], { highway: true, highwayBias: NaN }), /expected highwayBias to be a finite number, got NaN/);
});
