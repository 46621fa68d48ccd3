// Misuse of the recurrent layers and cells gets an error naming the expected and the actual shape,
// in PyTorch's manner ("expected input of shape [L, N, 32], got [5, 3, 16]"): input width and rank,
// batch-first and unbatched layouts, initial states (shape, count), empty sequences, cells' inputs
// and states, bad configs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../../src/nn/index.js';
import { zeros, type Tensor } from '../../src/tensor/tensor.js';

const lstm = new LSTM({ inputSize: 32, hiddenSize: 8, numLayers: 2, bidirectional: true });

test('wrong input width or rank names the expected layout and the shape given', () => {
  assert.throws(() => lstm.forward(zeros([5, 3, 16])), { message: 'expected input of shape [L, N, 32], got [5, 3, 16]' });
  assert.throws(() => lstm.forward(zeros([5, 16])), { message: 'expected input of shape [L, 32], got [5, 16]' });
  assert.throws(() => lstm.forward(zeros([5, 3, 2, 32])), { message: 'expected input of shape [L, N, 32], got [5, 3, 2, 32]' });
  const gru = new GRU({ inputSize: 4, hiddenSize: 3, batchFirst: true });
  assert.throws(() => gru.forward(zeros([2, 5, 3])), { message: 'expected input of shape [N, L, 4], got [2, 5, 3]' });
  assert.throws(() => new RNN({ inputSize: 4, hiddenSize: 3 }).forward(zeros([4])), /expected input of shape \[L, N, 4\], got \[4\]/);
});

test('wrong initial state shape names [L·D, N, H] and the shape given (batched and unbatched)', () => {
  const x = zeros([5, 3, 32]);
  assert.throws(() => lstm.forward(x, [zeros([2, 3, 8]), zeros([4, 3, 8])]), { message: 'expected initial state of shape [4, 3, 8], got [2, 3, 8]' });
  assert.throws(() => lstm.forward(x, [zeros([4, 3, 8]), zeros([4, 2, 8])]), { message: 'expected initial state of shape [4, 3, 8], got [4, 2, 8]' });
  assert.throws(() => lstm.forward(x, [zeros([4, 3, 7]), zeros([4, 3, 8])]), /expected initial state of shape \[4, 3, 8\], got \[4, 3, 7\]/);
  assert.throws(() => lstm.forward(zeros([5, 32]), [zeros([4, 5]), zeros([4, 8])]), { message: 'expected initial state of shape [4, 8], got [4, 5]' });
  assert.throws(() => lstm.forward(zeros([5, 32]), [zeros([4, 1, 8]), zeros([4, 8])]), { message: 'expected initial state of shape [4, 8], got [4, 1, 8]' });
  const gru = new GRU({ inputSize: 2, hiddenSize: 3 });
  assert.throws(() => gru.forward(zeros([4, 2, 2]), zeros([2, 2, 3])), { message: 'expected initial state of shape [1, 2, 3], got [2, 2, 3]' });
});

test('an LSTM given only h0 says two state tensors are expected', () => {
  assert.throws(() => lstm.forward(zeros([5, 3, 32]), [zeros([4, 3, 8])] as unknown as [Tensor, Tensor]), { message: 'expected 2 initial state tensor(s), got 1' });
});

test('an empty sequence is refused clearly', () => {
  assert.throws(() => lstm.forward(zeros([0, 3, 32])), { message: 'expected a sequence of length >= 1, got input of shape [0, 3, 32]' });
});

test('cells name the expected input and state shapes', () => {
  const cell = new LSTMCell({ inputSize: 4, hiddenSize: 3 });
  assert.throws(() => cell.forward(zeros([2, 5])), { message: 'expected input of shape [N, 4], got [2, 5]' });
  assert.throws(() => cell.forward(zeros([5])), { message: 'expected input of shape [4], got [5]' });
  assert.throws(() => cell.forward(zeros([2, 4]), [zeros([2, 3]), zeros([3, 3])]), { message: 'expected c of shape [2, 3], got [3, 3]' });
  assert.throws(() => cell.forward(zeros([4]), [zeros([4]), zeros([3])]), { message: 'expected h of shape [3], got [4]' });
  assert.throws(() => new RNNCell({ inputSize: 4, hiddenSize: 3 }).forward(zeros([2, 4]), zeros([2, 4])), { message: 'expected h of shape [2, 3], got [2, 4]' });
  assert.throws(() => new GRUCell({ inputSize: 4, hiddenSize: 3 }).forward(zeros([4]), zeros([1, 3])), { message: 'expected h of shape [3], got [1, 3]' });
  assert.throws(() => new GRUCell({ inputSize: 4, hiddenSize: 3 }).step(zeros([2, 5]), [zeros([2, 3])]), /expected input of shape \[\.\.\., 4\], got \[2, 5\]/);
});

test('bad configs are named', () => {
  assert.throws(() => new LSTM({ inputSize: 0, hiddenSize: 3 }), { message: 'expected positive integer inputSize and hiddenSize, got 0 and 3' });
  assert.throws(() => new GRU({ inputSize: 2, hiddenSize: 3, numLayers: 0 }), { message: 'expected numLayers >= 1, got 0' });
  assert.throws(() => new RNN({ inputSize: 2, hiddenSize: 3, dropout: 1 }), { message: 'expected dropout in [0, 1), got 1' });
  assert.throws(() => new RNNCell({ inputSize: 2, hiddenSize: 3, nonlinearity: 'gelu' as 'tanh' }), /expected nonlinearity 'tanh' or 'relu', got 'gelu'/);
});
