// Bidirectional: each merge mode equals the hand-computed merge of the reference forward and
// backward runs (backward from each row's own end under lengths); wrapping two one-direction LSTM
// layers equals the built-in bidirectional LSTM with the same weights; gradcheck for every merge
// mode with lengths; flipSequences reverses within lengths; clear errors on mismatched parts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { gradcheck } from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { Bidirectional, type MergeMode } from '../../../src/nn/wrappers/bidirectional.js';
import { Recurrence } from '../../../src/nn/wrappers/recurrence.js';
import { flipSequences } from '../../../src/nn/wrappers/flip_sequences.js';
import { StepMask } from '../../../src/nn/layers/step_mask.js';
import { LSTM } from '../../../src/nn/layers/lstm.js';
import { RNNCell } from '../../../src/nn/cells/rnn_cell.js';
import { LSTMCell } from '../../../src/nn/cells/lstm_cell.js';
import { GRUCell } from '../../../src/nn/cells/gru_cell.js';
import { paramValue, runDirection, type Kind, type Vec } from '../../helpers/reference_rnn.js';
import { close, inputTBI, rowOf, weightsOf, flatAll } from '../../helpers/recurrent_layers.js';

const T = 4, B = 3, I = 2, H = 3;
const lengths = [4, 2, 1];

function cellOf(kind: Kind, seed: number): RNNCell | LSTMCell | GRUCell {
  const c = { inputSize: I, hiddenSize: H };
  const cell = kind === 'rnn_tanh' ? new RNNCell(c, { dtype: 'float64' }) : kind === 'lstm' ? new LSTMCell(c, { dtype: 'float64' }) : new GRUCell(c, { dtype: 'float64' });
  cell.parameters().forEach((p, pi) => { for (let k = 0; k < p.size; k++) p.data[k] = paramValue(pi + seed, k); });
  return cell;
}

const merges: Record<MergeMode, (a: number, b: number) => number> = {
  concat: () => NaN, sum: (a, b) => a + b, mean: (a, b) => (a + b) / 2, mul: (a, b) => a * b,
};

for (const kind of ['rnn_tanh', 'lstm', 'gru'] as Kind[]) {
  for (const merge of Object.keys(merges) as MergeMode[]) {
    test(`Bidirectional(${kind} cells) merge '${merge}' with lengths equals the hand-computed merge`, () => {
      const f = cellOf(kind, 0), b = cellOf(kind, 5);
      const bi = new Bidirectional(f, b, { merge });
      const x = inputTBI(T, B, I, false);
      const [y, carry] = bi.forward(x, null, { lengths });
      const F = merge === 'concat' ? 2 * H : H;
      assert.deepEqual([...y.shape], [T, B, F]);
      assert.equal(carry.length, kind === 'lstm' ? 4 : 2);
      for (let r = 0; r < B; r++) {
        const fw = runDirection(kind, weightsOf(f), H, rowOf(x, r), lengths[r]);
        const bw = runDirection(kind, weightsOf(b), H, rowOf(x, r), lengths[r], { reverse: true });
        const want: Vec[] = fw.out.map((o, t) => (merge === 'concat' ? [...o, ...bw.out[t]] : o.map((v, k) => merges[merge](v, bw.out[t][k]))));
        close(rowOf(y, r), want, 1e-12, `row ${r}`);
        const nc = fw.final.length;
        for (let j = 0; j < nc; j++) {
          close(carry[j].data.subarray(r * H, (r + 1) * H), fw.final[j], 1e-12, `forward final ${j}`);
          close(carry[nc + j].data.subarray(r * H, (r + 1) * H), bw.final[j], 1e-12, `backward final ${j}`);
        }
      }
    });
  }
}

for (const merge of Object.keys(merges) as MergeMode[]) {
  test(`gradcheck Bidirectional(GRU cells) merge '${merge}' with lengths`, () => {
    const f = cellOf('gru', 1), b = cellOf('gru', 2);
    const bi = new Bidirectional(new Recurrence(f), new Recurrence(b), { merge });
    const x = inputTBI(3, 2, I);
    const res = gradcheck((xx) => { const [y, c] = bi.forward(xx, null, { lengths: [3, 2] }); return flatAll([y, ...c]); }, [x, ...bi.parameters()]);
    assert.ok(res.ok);
  });
}

test('Bidirectional of two one-direction LSTM layers equals the bidirectional LSTM with the same weights, with lengths and batch-first', () => {
  const both = new LSTM({ inputSize: I, hiddenSize: H, bidirectional: true, batchFirst: true, fused: false }, { dtype: 'float64' });
  both.parameters().forEach((p, pi) => { for (let k = 0; k < p.size; k++) p.data[k] = paramValue(pi, k); });
  const fw = new LSTM({ inputSize: I, hiddenSize: H }, { dtype: 'float64' }), bw = new LSTM({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  const sd = both.stateDict();
  fw.loadStateDict(Object.fromEntries(Object.entries(sd).filter(([n]) => !n.endsWith('_reverse'))));
  bw.loadStateDict(Object.fromEntries(Object.entries(sd).filter(([n]) => n.endsWith('_reverse')).map(([n, t]) => [n.replace('_reverse', ''), t])));
  const bi = new Bidirectional(fw, bw, { batchFirst: true });
  const x = ops.transpose(inputTBI(T, B, I, false), 0, 1);
  const [ya, [h, c]] = both.forward(x, null, { lengths });
  const [yb, carry] = bi.forward(x, null, { lengths });
  close(yb.data, ya.data, 1e-12, 'output');
  close(ops.concat([carry[0], carry[2]], 0).data, h.data, 1e-12, 'h_n');
  close(ops.concat([carry[1], carry[3]], 0).data, c.data, 1e-12, 'c_n');
  assert.deepEqual(bi.namedParameters().map(([n]) => n).slice(0, 2), ['forward_layer.weight_ih_l0', 'forward_layer.weight_hh_l0']);
});

test('flipSequences reverses each row within its length and is its own inverse', () => {
  const x = tensor([1, 10, 2, 20, 3, 30, 4, 40], [4, 2, 1], { dtype: 'float64' });
  const steps = StepMask.fromLengths([4, 2], 4, 2);
  assert.deepEqual(Array.from(flipSequences(x, steps).data), [4, 20, 3, 10, 2, 30, 1, 40]);
  assert.deepEqual(Array.from(flipSequences(flipSequences(x, steps), steps).data), Array.from(x.data));
  assert.deepEqual(Array.from(flipSequences(x, null).data), [4, 40, 3, 30, 2, 20, 1, 10]);
  // Batch-first [B, T, F], the same rows: row 0 = 1 2 3 4 (length 4), row 1 = 10 20 30 40 (length 2).
  const xb = tensor([1, 2, 3, 4, 10, 20, 30, 40], [2, 4, 1], { dtype: 'float64' });
  assert.deepEqual(Array.from(flipSequences(xb, steps, true).data), [4, 3, 2, 1, 20, 10, 30, 40]);
  assert.deepEqual(Array.from(flipSequences(flipSequences(xb, steps, true), steps, true).data), Array.from(xb.data));
  assert.throws(() => flipSequences(tensor([1, 2], [2, 1]), null), /flipSequences: expected a tensor of shape \[T, B, F\], got \[2, 1\]/);
});

test('Bidirectional refuses unknown merges and mismatched sizes, naming both', () => {
  const a = cellOf('rnn_tanh', 0);
  assert.throws(() => new Bidirectional(a, cellOf('rnn_tanh', 1), { merge: 'max' as MergeMode }), /expected merge one of concat, sum, mean, mul, got 'max'/);
  const wide = new RNNCell({ inputSize: I, hiddenSize: H + 1 });
  assert.throws(() => new Bidirectional(a, wide, { merge: 'sum' }), /merge 'sum' needs equal output sizes, got 3 \(forward\) and 4 \(backward\)/);
  assert.doesNotThrow(() => new Bidirectional(a, wide, { merge: 'concat' }));
  assert.throws(() => new Bidirectional(a, new RNNCell({ inputSize: I + 1, hiddenSize: H })), /same input size, got 2 \(forward\) and 3 \(backward\)/);
  assert.throws(() => new Bidirectional(a, a).forward(inputTBI(T, B, I + 1, false)), /Bidirectional: expected input of shape \[L, N, 2\], got \[4, 3, 3\]/);
});

test('Bidirectional with a mask with holes equals it on the sequence with the holes removed', () => {
  const bi = new Bidirectional(cellOf('lstm', 0), cellOf('lstm', 3), { merge: 'sum' });
  const x = inputTBI(5, 1, I, false);
  const keep = [0, 1, 1, 0, 1];
  const [y, carry] = bi.forward(x, null, { mask: keep });
  const kept = keep.flatMap((k, t) => (k ? [t] : []));
  const xc = tensor(kept.flatMap((t) => Array.from(x.data.subarray(t * I, (t + 1) * I))), [kept.length, 1, I], { dtype: 'float64' });
  const [yc, cc] = bi.forward(xc);
  kept.forEach((t, s) => close(y.data.subarray(t * H, (t + 1) * H), yc.data.subarray(s * H, (s + 1) * H), 1e-12, `step ${t}`));
  [0, 3].forEach((t) => assert.ok(Array.from(y.data.subarray(t * H, (t + 1) * H)).every((v) => v === 0), `hole ${t} is 0`));
  carry.forEach((c, j) => close(c.data, cc[j].data, 1e-12, `carry ${j}`));
});
