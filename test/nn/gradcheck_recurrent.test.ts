// Finite-difference gradients (float64, T = 3, B = 2, I = 2, H = 3) through each cell over several
// steps and through RNN / LSTM / GRU layers with numLayers = 2 and bidirectional, w.r.t. the input,
// the initial states and every weight; batch-first and unbatched inputs too. The output checked
// is everything the layer returns (output and final states), so gradients arriving through h_n
// and c_n are covered as well.

import { test } from 'node:test';
import * as ops from '../../src/autograd/index.js';
import { GRUCell, LSTMCell, RNNCell } from '../../src/nn/index.js';
import { Rng } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { check, rand64 } from '../helpers/tensors.js';
import { carryOf, type Kind } from '../helpers/reference_rnn.js';
import { makeLayer, runLayer } from '../helpers/recurrent_layers.js';

const T = 3, B = 2, I = 2, H = 3;
const flatAll = (ts: Tensor[]): Tensor => ops.concat(ts.map((t) => ops.reshape(t, [-1])), 0);

const cells = [
  ['RNNCell tanh', () => new RNNCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64', rng: new Rng(1) })],
  ['RNNCell relu', () => new RNNCell({ inputSize: I, hiddenSize: H, nonlinearity: 'relu' }, { dtype: 'float64', rng: new Rng(2) })],
  ['LSTMCell', () => new LSTMCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64', rng: new Rng(3) })],
  ['GRUCell reset-after', () => new GRUCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64', rng: new Rng(4) })],
  ['GRUCell reset-before', () => new GRUCell({ inputSize: I, hiddenSize: H, resetAfter: false }, { dtype: 'float64', rng: new Rng(5) })],
] as const;

for (const [name, make] of cells) {
  test(`gradcheck ${name} over ${T} steps w.r.t. inputs, initial state and weights`, () => {
    const cell = make();
    const xs = rand64([T, B, I], 10);
    const init = Array.from({ length: cell.carrySize }, (_, j) => rand64([B, H], 20 + j));
    check((x, ...rest) => {
      let carry = rest.slice(0, cell.carrySize);
      const outs: Tensor[] = [];
      for (let t = 0; t < T; t++) { carry = cell.step(ops.select(x, 0, t), carry); outs.push(carry[0]); }
      return flatAll([...outs, ...carry]);
    }, [xs, ...init, ...cell.parameters()]);
  });
}

const kinds: Kind[] = ['rnn_tanh', 'lstm', 'gru', 'gru_reset_before', 'rnn_relu'];

for (const kind of kinds) {
  test(`gradcheck ${kind} layer, numLayers=2 bidirectional, w.r.t. input, initial states and all weights`, () => {
    const { layer } = makeLayer(kind, { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true });
    const x = rand64([T, B, I], 30);
    const init = Array.from({ length: carryOf(kind) }, (_, j) => rand64([4, B, H], 40 + j, { lo: -0.5, hi: 0.5 }));
    const nc = init.length;
    check((xx, ...rest) => {
      const { output, finals } = runLayer(layer, xx, rest.slice(0, nc));
      return flatAll([output, ...finals]);
    }, [x, ...init, ...layer.parameters()]);
  });
}

test('gradcheck LSTM layer batch-first and unbatched, without initial states', () => {
  const { layer } = makeLayer('lstm', { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, batchFirst: true });
  const x = rand64([B, T, I], 50);
  check((xx) => { const { output, finals } = runLayer(layer, xx); return flatAll([output, ...finals]); }, [x, ...layer.parameters()]);
  const u = rand64([T, I], 51);
  check((xx) => { const { output, finals } = runLayer(layer, xx); return flatAll([output, ...finals]); }, [u]);
});

test('gradcheck GRU layer with a loss on the last output only (gradient flowing back through time)', () => {
  const { layer } = makeLayer('gru', { inputSize: I, hiddenSize: H, numLayers: 2 });
  const x = rand64([4, B, I], 60);
  check((xx) => ops.sum(ops.tanh(ops.select(runLayer(layer, xx).output, 0, 3))), [x, ...layer.parameters()]);
});
