// Keras char-rnn models as unfold CharModels: an Embedding model and a one-hot model built in
// TensorFlow.js give, as CharModels, logits whose softmax is tfjs's output (the last step's, for a
// last-output model); shapes a CharModel cannot hold are refused with the reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indices } from '../../../src/autograd/ops/gather.js';
import { softmax } from '../../../src/autograd/ops/softmax.js';
import { select } from '../../../src/autograd/ops/shape_ops.js';
import { parseTfjsModel } from '../../../src/interop/keras/tfjs_format.js';
import { kerasToUnfold } from '../../../src/interop/keras/layer_import.js';
import { toCharModel } from '../../../src/interop/keras/char_model_import.js';
import { KerasSequential } from '../../../src/interop/keras/keras_sequential.js';
import { LSTM } from '../../../src/nn/layers/lstm.js';
import { Linear } from '../../../src/nn/layers/linear.js';
import { assertClose } from '../../helpers/tensors.js';
import { predictTfjs, randomIds, randomizeWeights, saveTfjs, tf } from './tfjs_models.js';

const B = 2, T = 7, V = 10;

async function imported(layers: tf.layers.Layer[], seed: number): Promise<{ model: tf.LayersModel; ours: KerasSequential }> {
  const model = tf.sequential({ layers });
  randomizeWeights(model, seed);
  const { modelJson, weightData } = await saveTfjs(model);
  return { model, ours: kerasToUnfold(parseTfjsModel(modelJson, weightData, 'model.json')) };
}

test('char model import: Embedding → LSTM → LSTM (last output) → softmax Dense is a CharModel whose last-step softmax is tfjs\'s output', async () => {
  const { model, ours } = await imported([
    tf.layers.embedding({ inputDim: V, outputDim: 6, inputLength: T }),
    tf.layers.lstm({ units: 8, returnSequences: true, recurrentActivation: 'sigmoid' }),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.lstm({ units: 8, recurrentActivation: 'sigmoid' }),
    tf.layers.dense({ units: V, activation: 'softmax' }),
  ], 41);
  const char = toCharModel(ours).eval();
  assert.deepEqual({ ...char.config }, { vocabSize: V, cell: 'lstm', hiddenSize: 8, numLayers: 2, embeddingSize: 6, dropout: 0.2 });
  const ids = randomIds(B, T, V, 42);
  const [logits] = char.forward(indices(ids, [B, T]));
  assertClose(softmax(select(logits, 1, T - 1), -1).dataSync(), predictTfjs(model, ids, [B, T]).values, 1e-5, 0, 'probabilities');
});

test('char model import: a one-hot SimpleRNN model with a linear TimeDistributed head is a CharModel with an identity embedding', async () => {
  const { model, ours } = await imported([
    tf.layers.simpleRNN({ units: 5, returnSequences: true, inputShape: [T, V] }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: V }) }),
  ], 43);
  const char = toCharModel(ours).eval();
  assert.equal(char.config.cell, 'rnn');
  assert.equal(char.config.embeddingSize, V);
  const ids = randomIds(B, T, V, 44);
  const oneHot = ids.flatMap((id) => Array.from({ length: V }, (_, k) => (k === id ? 1 : 0)));
  const [logits] = char.forward(indices(ids, [B, T]));
  assertClose(logits.dataSync(), predictTfjs(model, oneHot, [B, T, V]).values, 1e-5, 0, 'logits');
});

test('char model import: models a CharModel cannot hold are refused with the reason', async () => {
  const refused = async (layers: tf.layers.Layer[], why: RegExp): Promise<void> => {
    const { ours } = await imported(layers, 45);
    assert.throws(() => toCharModel(ours, 'm.h5'), why);
  };
  const emb = (maskZero = false): tf.layers.Layer => tf.layers.embedding({ inputDim: V, outputDim: 3, inputLength: T, maskZero });
  await refused([emb(true), tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: V })],
    /m\.h5: not a character-level language model: its Embedding 'embedding_Embedding\d+' masks id 0/);
  await refused([emb(), tf.layers.lstm({ units: 4 }), tf.layers.dense({ units: V })], /has activations other than those of unfold's LSTM/);
  await refused([emb(), tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: V })], /is a reset_after=False GRU; CharModel's GRU is the reset-after form/);
  // Keras cannot build this one (the second LSTM gets no sequence); a hand-made topology can say it.
  const step = (name: string) => ({ kind: 'recurrent' as const, name, returnSequences: false, goBackwards: false });
  const lastOnly = new KerasSequential([
    { step: step('a'), module: new LSTM({ inputSize: V, hiddenSize: 4 }) },
    { step: step('b'), module: new LSTM({ inputSize: 4, hiddenSize: 4 }) },
    { step: { kind: 'dense', name: 'd', activation: 'linear', timeDistributed: false }, module: new Linear({ inFeatures: 4, outFeatures: V }) },
  ]);
  assert.throws(() => toCharModel(lastOnly), /layer 'a' gives the next layer only its last output/);
  await refused([emb(), tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', returnSequences: true }), tf.layers.dense({ units: V - 1 })], /it reads 10 symbols and predicts 9/);
  await refused([emb(), tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) as tf.RNN }), tf.layers.dense({ units: V })], /expected recurrent layers after the input, got bidirectional/);
});
