// src/nn used on its own (this file imports neither src/index nor src/autograd, so the Tensor
// methods such as x.reshape() are not installed): every path of nn must call the ops as functions.
// Values are checked against hand-computed numbers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRUCell, LSTM, LSTMCell, RNNCell, mseLoss, bceWithLogits } from '../../src/nn/index.js';
import { tensor } from '../../src/tensor/tensor.js';

test('unbatched cell inputs and states work without the Tensor methods', () => {
  // All-zero weights and biases: RNN h' = tanh(0) = 0; GRU h' = ½ n + ½ h with n = 0; LSTM c' = ½ c.
  const zero = <C extends RNNCell | GRUCell | LSTMCell>(c: C): C => { for (const p of c.parameters()) p.data.fill(0); return c; };
  const rnn = zero(new RNNCell({ inputSize: 2, hiddenSize: 3 }));
  assert.deepEqual(rnn.forward(tensor([1, 2]), tensor([0.5, 0.5, 0.5])).toArray(), [0, 0, 0]);
  const gru = zero(new GRUCell({ inputSize: 2, hiddenSize: 3 }));
  assert.deepEqual(gru.forward(tensor([1, 2]), tensor([0.5, -1, 2])).toArray(), [0.25, -0.5, 1]);
  const lstm = zero(new LSTMCell({ inputSize: 2, hiddenSize: 3 }));
  const [h, c] = lstm.forward(tensor([1, 2]), [tensor([0, 0, 0]), tensor([2, -2, 4])]);
  assert.deepEqual(c.toArray(), [1, -1, 2]);
  assert.deepEqual(h.toArray(), [1, -1, 2].map((v) => Math.fround(0.5 * Math.tanh(v))));
});

test('masked losses and layers work without the Tensor methods', () => {
  assert.equal(mseLoss(tensor([1, 2, 3]), tensor([0, 0, 0]), { mask: tensor([1, 0, 1]) }).item(), 5);
  assert.equal(bceWithLogits(tensor([0, 0]), tensor([1, 0]), { mask: tensor([1, 0]) }).item(), Math.fround(Math.LN2));
  const m = new LSTM({ inputSize: 2, hiddenSize: 3, batchFirst: true, bidirectional: true });
  const [out, [hn]] = m.forward(tensor(new Float32Array(2 * 4 * 2), [2, 4, 2]));
  assert.deepEqual([...out.shape], [2, 4, 6]);
  assert.deepEqual([...hn.shape], [2, 2, 3]);
  const [u] = m.forward(tensor(new Float32Array(4 * 2), [4, 2]), [tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [2, 3])]);
  assert.deepEqual([...u.shape], [4, 6]);
});
