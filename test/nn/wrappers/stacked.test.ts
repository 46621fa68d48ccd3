// StackedRNN: a stack of mixed layers and cells with residual connections equals the plain formula
// y^l = layer_l(y^{l−1}) + y^{l−1} on the reference runs (padded steps 0); nested Bidirectional
// layers equal the built-in 2-layer bidirectional LSTM; gradcheck with residuals and lengths;
// dropout between layers is off at evaluation and at rate 0; clear errors on size mismatches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { gradcheck } from '../../../src/autograd/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { StackedRNN } from '../../../src/nn/wrappers/stacked_rnn.js';
import { Bidirectional } from '../../../src/nn/wrappers/bidirectional.js';
import { Recurrence } from '../../../src/nn/wrappers/recurrence.js';
import { LSTM } from '../../../src/nn/layers/lstm.js';
import { RNNCell } from '../../../src/nn/cells/rnn_cell.js';
import { GRUCell } from '../../../src/nn/cells/gru_cell.js';
import { runDirection, type Vec } from '../../helpers/reference_rnn.js';
import { close, inputTBI, rowOf, setParams, weightsOf, flatAll } from '../../helpers/recurrent_layers.js';

const T = 4, B = 3, I = 2, H = 3;
const lengths = [4, 1, 3];
const f64 = { dtype: 'float64' as const };

function mixedStack(residual: boolean | number[], dropout = 0): { stack: StackedRNN; rnn: RNNCell; gru: GRUCell; lstm: LSTM } {
  const rnn = new RNNCell({ inputSize: I, hiddenSize: H }, f64);
  const gru = new GRUCell({ inputSize: H, hiddenSize: H }, f64);
  const lstm = new LSTM({ inputSize: H, hiddenSize: H, fused: false }, f64);
  const stack = new StackedRNN([rnn, new Recurrence(gru), lstm], { residual, dropout }, new Rng(3));
  setParams(stack);
  return { stack, rnn, gru, lstm };
}

test('StackedRNN with residuals around layers 1 and 2 equals the plain formula, with lengths', () => {
  const { stack, rnn, gru, lstm } = mixedStack([1, 2]);
  const x = inputTBI(T, B, I, false);
  const [y, carries] = stack.forward(x, null, { lengths });
  assert.equal(carries.length, 3);
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    const add = (u: Vec[], v: Vec[]): Vec[] => u.map((r, t) => (t < len ? r.map((e, k) => e + v[t][k]) : r.map(() => 0)));
    const y1 = runDirection('rnn_tanh', weightsOf(rnn), H, rowOf(x, b), len);
    const u2 = runDirection('gru', weightsOf(gru), H, y1.out, len);
    const y2 = add(u2.out, y1.out);
    const u3 = runDirection('lstm', weightsOf(lstm.cells[0][0]), H, y2, len);
    close(rowOf(y, b), add(u3.out, y2), 1e-12, `row ${b}`);
    close(carries[0][0].data.subarray(b * H, (b + 1) * H), y1.final[0], 1e-12, 'layer 0 final');
    close(carries[2][1].data.subarray(b * H, (b + 1) * H), u3.final[1], 1e-12, 'layer 2 final c');
  }
});

test('StackedRNN of two Bidirectional LSTM pairs equals LSTM(numLayers 2, bidirectional), with lengths', () => {
  const ref = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, fused: false }, f64);
  setParams(ref);
  const sd = ref.stateDict();
  const part = (l: number, rev: boolean): LSTM => {
    const m = new LSTM({ inputSize: l === 0 ? I : 2 * H, hiddenSize: H }, f64);
    const sfx = `_l${l}${rev ? '_reverse' : ''}`;
    m.loadStateDict(Object.fromEntries(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((n) => [`${n}_l0`, sd[`${n}${sfx}`]])));
    return m;
  };
  const stack = new StackedRNN([new Bidirectional(part(0, false), part(0, true)), new Bidirectional(part(1, false), part(1, true))]);
  const x = inputTBI(T, B, I, false);
  const [ya, [h]] = ref.forward(x, null, { lengths });
  const [yb, carries] = stack.forward(x, null, { lengths });
  close(yb.data, ya.data, 1e-12, 'output');
  // Bidirectional carry: [h→, c→, h←, c←], each [1, B, H] from the one-layer LSTMs.
  close(ops.concat([carries[0][0], carries[0][2], carries[1][0], carries[1][2]], 0).data, h.data, 1e-12, 'h_n');
});

test('gradcheck StackedRNN with residuals, lengths and initial carries', () => {
  const { stack } = mixedStack([1, 2]);
  const x = inputTBI(3, 2, I);
  const h0 = tensor([0.3, -0.2, 0.1, -0.4, 0.5, 0.2], [2, H], { dtype: 'float64', requiresGrad: true });
  const res = gradcheck((xx, hh) => {
    const [y, cs] = stack.forward(xx, [[hh], null, null], { lengths: [3, 2] });
    return flatAll([y, ...cs.flat()]);
  }, [x, h0, ...stack.parameters()]);
  assert.ok(res.ok);
});

test('dropout between layers: rate 0 and evaluation equal the plain stack; training masks are seeded and keep padding at 0', () => {
  const plain = mixedStack([1, 2]).stack, dropped = mixedStack([1, 2], 0.5).stack;
  const x = inputTBI(T, B, I, false);
  const [y0] = plain.forward(x, null, { lengths });
  dropped.eval();
  close(dropped.forward(x, null, { lengths })[0].data, y0.data, 0, 'eval');
  dropped.train();
  dropped.rng = new Rng(9);
  const [y1] = dropped.forward(x, null, { lengths });
  dropped.rng = new Rng(9);
  const [y2] = dropped.forward(x, null, { lengths });
  close(y2.data, y1.data, 0, 'same seed');
  assert.ok(y1.data.some((v, i) => Math.abs(v - y0.data[i]) > 1e-6), 'training dropout changes the output');
  for (let t = 1; t < T; t++) assert.ok(rowOf(y1, 1)[t].every((v) => v === 0), 'padded steps stay 0');
});

test('StackedRNN names mismatched sizes', () => {
  const a = new RNNCell({ inputSize: I, hiddenSize: H }), b = new RNNCell({ inputSize: H + 1, hiddenSize: H });
  assert.throws(() => new StackedRNN([a, b]), /layer 1 expects inputs of size 4, but layer 0 outputs size 3/);
  assert.throws(() => new StackedRNN([a, new RNNCell({ inputSize: H, hiddenSize: H })], { residual: true }),
    /a residual connection around layer 0 needs equal input and output sizes, got 2 → 3/);
  assert.doesNotThrow(() => new StackedRNN([a, new RNNCell({ inputSize: H, hiddenSize: H })], { residual: [1] }));
  assert.throws(() => new StackedRNN([a], { residual: [1] }), /residual layer indices in \[0, 1\), got 1/);
  assert.throws(() => new StackedRNN([]), /at least one layer/);
});
