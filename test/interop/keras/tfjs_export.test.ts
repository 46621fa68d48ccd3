// unfold models out to the TensorFlow.js layers format, checked by loading them in @tensorflow/tfjs:
// character models (LSTM, RNN) give their logits from tfjs within 1e-5; imported models of every
// layer kind go back out and give the original tfjs model's outputs; files written to a folder
// read back; what TensorFlow.js cannot run (the reset-after GRU, a reset-before GRU with b_hn) is
// refused with the reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { indices } from '../../../src/autograd/ops/gather.js';
import { Rng } from '../../../src/tensor/random.js';
import { CharModel } from '../../../src/train/char_model.js';
import { GRU } from '../../../src/nn/layers/gru.js';
import { Linear } from '../../../src/nn/layers/linear.js';
import { parseTfjsModel } from '../../../src/interop/keras/tfjs_format.js';
import { kerasToUnfold } from '../../../src/interop/keras/layer_import.js';
import { KerasSequential } from '../../../src/interop/keras/keras_sequential.js';
import { toTfjsArtifacts } from '../../../src/interop/keras/tfjs_export.js';
import { readKerasModelFile, writeTfjsModel } from '../../../src/interop/keras/model_files.js';
import { assertClose } from '../../helpers/tensors.js';
import { tempDir } from '../../helpers/files.js';
import { loadTfjs, predictTfjs, randomFeatures, randomIds, randomizeWeights, saveTfjs, tf } from './tfjs_models.js';

const B = 3, T = 6, V = 8;

for (const cell of ['lstm', 'rnn'] as const) {
  test(`tfjs export: a character model (${cell}, 2 layers) loads in TensorFlow.js and gives its logits`, async () => {
    const model = new CharModel({ vocabSize: V, cell, hiddenSize: 5, numLayers: 2, embeddingSize: 4 }, { rng: new Rng(51) }).eval();
    for (const p of model.parameters()) p.data.forEach((_, i, a) => { a[i] += 0.1 * Math.sin(i + 1); }); // biases away from their init
    const { modelJson, weightData } = toTfjsArtifacts(model);
    const loaded = await loadTfjs(modelJson, weightData);
    const ids = randomIds(B, T, V, 52);
    const [logits] = model.forward(indices(ids, [B, T]));
    const got = predictTfjs(loaded, ids, [B, T]);
    assert.deepEqual(got.shape, [B, T, V]);
    assertClose(got.values, logits.dataSync(), 1e-5, 0, 'logits');
  });
}

test('tfjs export: imported models of every layer kind go back out and give the original model\'s outputs in TensorFlow.js', async () => {
  const models: [() => tf.LayersModel, number[], number[]][] = [
    [() => tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: V, outputDim: 4, inputLength: T, maskZero: true }),
        tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, returnSequences: true }) as tf.RNN, mergeMode: 'ave' }),
        tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' }) as tf.RNN, mergeMode: 'concat' }),
        tf.layers.dropout({ rate: 0.1 }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'softmax' }) }),
      ],
    }), randomIds(B, T, V, 53, [6, 2, 4]), [B, T]],
    [() => tf.sequential({
      layers: [
        tf.layers.masking({ maskValue: 0, inputShape: [T, 3] }),
        tf.layers.simpleRNN({ units: 4, activation: 'relu', returnSequences: true, goBackwards: true }),
        tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 3, activation: 'sigmoid' }) as tf.RNN, mergeMode: 'mul' }),
        tf.layers.dense({ units: 2, activation: 'tanh' }),
        tf.layers.activation({ activation: 'softmax' }),
      ],
    }), randomFeatures(B, T, 3, 54, [3, 6, 5]), [B, T, 3]],
    [() => tf.sequential({
      layers: [
        tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, activation: 'relu', recurrentActivation: 'sigmoid', goBackwards: true }) as tf.RNN, mergeMode: 'sum', inputShape: [T, 2] }),
        tf.layers.dense({ units: 2, useBias: false }),
      ],
    }), randomFeatures(B, T, 2, 55), [B, T, 2]],
  ];
  for (const [build, x, shape] of models) {
    const model = build();
    randomizeWeights(model, 56);
    const saved = await saveTfjs(model);
    const ours = kerasToUnfold(parseTfjsModel(saved.modelJson, saved.weightData, 'model.json'));
    const out = toTfjsArtifacts(ours);
    const back = await loadTfjs(out.modelJson, out.weightData);
    assertClose(predictTfjs(back, x, shape).values, predictTfjs(model, x, shape).values, 1e-5, 0, 'exported model in tfjs');
  }
});

test('tfjs export: written to a folder (model.json + one shard) and read back, the model is the same', async () => {
  const model = new CharModel({ vocabSize: V, cell: 'lstm', hiddenSize: 4, numLayers: 1, embeddingSize: 3 }, { rng: new Rng(57) }).eval();
  const dir = join(tempDir(), 'out');
  const path = await writeTfjsModel(dir, toTfjsArtifacts(model));
  assert.deepEqual(readdirSync(dir).sort(), ['group1-shard1of1.bin', 'model.json']);
  const back = kerasToUnfold(await readKerasModelFile(path)).eval();
  const ids = randomIds(B, T, V, 58);
  assertClose(back.forward(indices(ids, [B, T])).dataSync(), model.forward(indices(ids, [B, T]))[0].dataSync(), 1e-6, 0, 'logits');
});

test('tfjs export: what TensorFlow.js cannot run as unfold does is refused with the reason', () => {
  const gru = new CharModel({ vocabSize: V, cell: 'gru', hiddenSize: 4, embeddingSize: 3 });
  assert.throws(() => toTfjsArtifacts(gru), /export to TensorFlow.js: GRU layer 0 is a reset-after GRU \(PyTorch's form, Keras' reset_after=True\), which TensorFlow.js does not implement/);
  const before = new KerasSequential([
    { step: { kind: 'recurrent', name: 'gru', returnSequences: false, goBackwards: false }, module: new GRU({ inputSize: 2, hiddenSize: 3, resetAfter: false }) },
    { step: { kind: 'dense', name: 'd', activation: 'linear', timeDistributed: false }, module: new Linear({ inFeatures: 3, outFeatures: 1 }) },
  ]);
  assert.throws(() => toTfjsArtifacts(before), /layer 'gru' has a nonzero b_hn \(the recurrent bias of the n gate\)/);
  assert.throws(() => toTfjsArtifacts(new Linear({ inFeatures: 2, outFeatures: 2 })), /expected a KerasSequential or a character model, got Linear/);
});
