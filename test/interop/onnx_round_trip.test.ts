// Export, then import back: the ONNX file unfold writes reads back as the same kind of model with the
// same outputs — layers of every kind (initial states and lengths included), a StackedRNN of
// different layers, the character model (its vocabulary travels in the file, so it comes back a
// character model that `unfold sample` opens) and a RecurrentModel — and the wrappers whose export
// needs operators the importer does not take are refused by name.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { GRU, LSTM, RNN } from '../../src/nn/index.js';
import { StackedRNN } from '../../src/nn/wrappers/stacked_rnn.js';
import { Bidirectional } from '../../src/nn/wrappers/bidirectional.js';
import { LSTMCell } from '../../src/nn/cells/lstm_cell.js';
import { classNameOf, serializeModule } from '../../src/nn/registry.js';
import type { Module } from '../../src/nn/module.js';
import { CharModel } from '../../src/train/char_model.js';
import { Vocab } from '../../src/data/vocab.js';
import { RecurrentModel } from '../../src/interop/recurrent_model.js';
import { exportOnnx, importOnnx } from '../../src/interop/onnx/index.js';
import { assertAgrees, randomIds, randomTensor } from './ort.js';

const T = 4, B = 3, LENGTHS = [4, 1, 3];

function roundTrip(m: Module, vocabs = {}): Module {
  return importOnnx(exportOnnx(m, { vocabs, lengths: true }).model, 'round trip').model;
}

test('ONNX round trip: RNN, LSTM and GRU layers come back as themselves with equal outputs and states', () => {
  let seed = 0;
  for (const kind of ['lstm', 'gru', 'rnn'] as const) {
    for (const [numLayers, bidirectional, batchFirst] of [[1, false, false], [2, true, true], [3, false, true]] as const) {
      const config = { inputSize: 3, hiddenSize: 4, numLayers, bidirectional, batchFirst };
      const m = kind === 'lstm' ? new LSTM(config) : kind === 'gru' ? new GRU({ ...config, resetAfter: numLayers !== 3 }) : new RNN({ ...config, nonlinearity: numLayers === 3 ? 'relu' : 'tanh' });
      m.eval();
      const back = roundTrip(m);
      assert.equal(classNameOf(back), classNameOf(m));
      assert.deepEqual(back.getConfig(), m.getConfig());
      const rng = new Rng(++seed);
      const x = randomTensor(batchFirst ? [B, T, 3] : [T, B, 3], rng);
      const D = bidirectional ? 2 : 1;
      const state = Array.from({ length: kind === 'lstm' ? 2 : 1 }, () => randomTensor([numLayers * D, B, 4], rng));
      const run = (layer: Module): Tensor[] => {
        const l = layer as unknown as { forward(x: Tensor, s: unknown, o: unknown): [Tensor, Tensor | Tensor[]] };
        const [y, s] = l.forward(x, kind === 'lstm' ? state : state[0], { lengths: LENGTHS });
        return [y, ...(Array.isArray(s) ? s : [s])];
      };
      const [a, b] = [run(m), run(back)];
      a.forEach((t, i) => assertAgrees(b[i].dataSync(), t.dataSync(), `${kind} ${JSON.stringify(config)} output ${i}`));
    }
  }
});

test('ONNX round trip: a StackedRNN of different layers comes back the same StackedRNN with equal outputs and states', () => {
  const stack = new StackedRNN([new LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true }), new GRU({ inputSize: 8, hiddenSize: 5, numLayers: 2 })]);
  stack.eval();
  const back = roundTrip(stack) as StackedRNN;
  assert.deepEqual(back.getConfig(), stack.getConfig());
  const rng = new Rng(40);
  const x = randomTensor([T, B, 3], rng);
  const initial = [[randomTensor([2, B, 4], rng), randomTensor([2, B, 4], rng)], [randomTensor([2, B, 5], rng)]];
  const [y, carries] = stack.forward(x, initial, { lengths: LENGTHS });
  const [y2, carries2] = back.forward(x, initial, { lengths: LENGTHS });
  assertAgrees(y2.dataSync(), y.dataSync(), 'stacked output');
  carries.flat().forEach((c, i) => assertAgrees(carries2.flat()[i].dataSync(), c.dataSync(), `stacked state ${i}`));
});

test('ONNX round trip: the character model comes back a character model with its vocabulary and equal logits', () => {
  const text = new Vocab([...'abcdefghij']);
  const model = new CharModel({ vocabSize: text.size, cell: 'gru', hiddenSize: 6, numLayers: 2, embeddingSize: 5 });
  model.eval();
  const { model: back, vocabs } = importOnnx(exportOnnx(model, { vocabs: { text } }).model, 'char.onnx');
  assert.ok(back instanceof CharModel);
  assert.deepEqual(back.getConfig(), model.getConfig());
  assert.deepEqual(vocabs.text.toJSON(), text.toJSON());
  const ids = { data: randomIds(B * T, text.size, new Rng(50)), shape: [B, T] };
  assertAgrees(back.forward(ids)[0].dataSync(), model.forward(ids)[0].dataSync(), 'logits');
  // Without the vocabulary in the file (PyTorch's exports) the same graph is a RecurrentModel.
  assert.equal(classNameOf(roundTrip(model)), 'interop.RecurrentModel');
});

test('ONNX round trip: a RecurrentModel with an embedding, a head and a softmax', () => {
  const rnn = new LSTM({ inputSize: 5, hiddenSize: 4, numLayers: 2, bidirectional: true });
  const model = new RecurrentModel({ embedding: { numEmbeddings: 7, embeddingDim: 5 }, rnn: serializeModule(rnn), head: { inFeatures: 8, outFeatures: 3 }, softmax: true });
  model.eval();
  const back = roundTrip(model) as RecurrentModel;
  assert.deepEqual(back.getConfig(), model.getConfig());
  const ids = { data: randomIds(T * B, 7, new Rng(60)), shape: [T, B] };
  assertAgrees(back.forward(ids, null, { lengths: LENGTHS })[0].dataSync(), model.forward(ids, null, { lengths: LENGTHS })[0].dataSync(), 'probabilities');
});

test('ONNX round trip: a Bidirectional wrapper exports (ReverseSequence) but does not import, and says why', () => {
  const bi = new Bidirectional(new LSTMCell({ inputSize: 3, hiddenSize: 4 }), new LSTMCell({ inputSize: 3, hiddenSize: 4 }));
  assert.throws(() => roundTrip(bi), /round trip: node ReverseSequence '.*': expected one of the operators LSTM, GRU, RNN, .*, got ReverseSequence/);
});
