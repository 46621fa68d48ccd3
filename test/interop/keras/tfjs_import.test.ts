// TensorFlow.js layers models in: each model is built and run in @tensorflow/tfjs with random
// weights (biases too), saved to its model.json + weights form, read by unfold, and must give
// tfjs's outputs within 1e-5. Together the models cover every imported layer and option: Embedding
// (mask_zero), SimpleRNN / LSTM / GRU (reset-before, tfjs's only form), the default hard_sigmoid
// and other activations, return_sequences, go_backwards, Bidirectional in all four merge modes,
// Dense and TimeDistributed(Dense), Masking, Dropout and Activation, with padded batches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../../src/tensor/tensor.js';
import { indices } from '../../../src/autograd/ops/gather.js';
import { Recurrence } from '../../../src/nn/wrappers/recurrence.js';
import { LSTM } from '../../../src/nn/layers/lstm.js';
import { parseTfjsModel } from '../../../src/interop/keras/tfjs_format.js';
import { kerasToUnfold } from '../../../src/interop/keras/layer_import.js';
import type { KerasSequential } from '../../../src/interop/keras/keras_sequential.js';
import { deserializeCheckpoint, serializeCheckpoint } from '../../../src/train/checkpoint.js';
import { assertClose } from '../../helpers/tensors.js';
import { predictTfjs, randomFeatures, randomIds, randomizeWeights, saveTfjs, tf } from './tfjs_models.js';

const B = 3, T = 6, V = 11, F = 5;

// unfold's output for the same input: ids [B, T] or features [B, T, F].
function predictUnfold(model: KerasSequential, x: number[], shape: number[]): { values: Float32Array; shape: number[] } {
  const y = model.eval().forward(shape.length === 2 ? indices(x, shape) : tensor(x, shape));
  return { values: Float32Array.from(y.dataSync()), shape: [...y.shape] };
}

async function importOf(model: tf.LayersModel): Promise<KerasSequential> {
  const { modelJson, weightData } = await saveTfjs(model);
  return kerasToUnfold(parseTfjsModel(modelJson, weightData, 'model.json'));
}

async function checkSame(build: () => tf.LayersModel, x: number[], shape: number[], seed: number): Promise<KerasSequential> {
  const model = build();
  randomizeWeights(model, seed);
  const ours = await importOf(model);
  const want = predictTfjs(model, x, shape), got = predictUnfold(ours, x, shape);
  assert.deepEqual(got.shape, want.shape);
  assertClose(got.values, want.values, 1e-5, 0, 'output');
  return ours;
}

test('tfjs import: Embedding → LSTM (sigmoid gates, sequences) → LSTM (tfjs default hard_sigmoid) → softmax Dense', async () => {
  const ours = await checkSame(() => tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }),
      tf.layers.lstm({ units: 7, returnSequences: true, recurrentActivation: 'sigmoid' }),
      tf.layers.lstm({ units: 6 }),
      tf.layers.dense({ units: V, activation: 'softmax' }),
    ],
  }), randomIds(B, T, V, 1), [B, T], 11);
  // The standard activations become unfold's own LSTM (fused kernels); hard_sigmoid a Keras cell.
  assert.ok(ours.layers[1].module instanceof LSTM);
  assert.ok(ours.layers[2].module instanceof Recurrence);
});

test('tfjs import: padded ids (one row all padding) with mask_zero through a Bidirectional LSTM (concat) and TimeDistributed(Dense)', async () => {
  await checkSame(() => tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: 4, inputLength: T, maskZero: true }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5, returnSequences: true }) as tf.RNN, mergeMode: 'concat' }),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'tanh' }) }),
    ],
  }), randomIds(B, T, V, 2, [6, 0, 3]), [B, T], 12); // row 1 wholly masked: Keras gives zeros
});

for (const [mergeMode, cell] of [['sum', 'gru'], ['mul', 'simpleRNN'], ['ave', 'lstm']] as const) {
  test(`tfjs import: Bidirectional ${cell} with merge ${mergeMode}, masked, last output and sequences`, async () => {
    const rnn = (returnSequences: boolean): tf.RNN => tf.layers[cell]({ units: 4, returnSequences, recurrentActivation: 'sigmoid' } as never) as tf.RNN;
    for (const returnSequences of [true, false]) {
      await checkSame(() => tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: V, outputDim: 3, inputLength: T, maskZero: true }),
          tf.layers.bidirectional({ layer: rnn(returnSequences), mergeMode }),
        ],
      }), randomIds(B, T, V, 3, [2, 6, 4]), [B, T], 13);
    }
  });
}

test('tfjs import: Masking → SimpleRNN (relu, sequences) → GRU (go_backwards, sequences) → Dense, with masked steps', async () => {
  await checkSame(() => tf.sequential({
    layers: [
      tf.layers.masking({ maskValue: -2, inputShape: [T, F] }),
      tf.layers.simpleRNN({ units: 6, activation: 'relu', returnSequences: true }),
      tf.layers.gru({ units: 5, goBackwards: true, returnSequences: true }),
      tf.layers.dense({ units: 2 }),
    ],
  }), randomFeatures(B, T, F, 4, [4, 6, 2], -2), [B, T, F], 14);
});

test('tfjs import: go_backwards LSTM, last output, over padded ids', async () => {
  await checkSame(() => tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: 4, inputLength: T, maskZero: true }),
      tf.layers.lstm({ units: 5, goBackwards: true, recurrentActivation: 'sigmoid' }),
    ],
  }), randomIds(B, T, V, 5, [5, 1, 3]), [B, T], 15);
});

test('tfjs import: other activations (SimpleRNN sigmoid, LSTM relu / hard_sigmoid, GRU sigmoid gates), Dropout and Activation', async () => {
  await checkSame(() => tf.sequential({
    layers: [
      tf.layers.simpleRNN({ units: 4, activation: 'sigmoid', returnSequences: true, inputShape: [T, F] }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.lstm({ units: 5, activation: 'relu', returnSequences: true }),
      tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid', activation: 'linear', returnSequences: true }),
      tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: 3 }),
      tf.layers.activation({ activation: 'softmax' }),
    ],
  }), randomFeatures(B, T, F, 6), [B, T, F], 16);
});

test('tfjs import: refuses what it cannot reproduce, naming the layer', async () => {
  const conv = tf.sequential({ layers: [tf.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [T, F] })] });
  await assert.rejects(importOf(conv), /layer 'conv1d_\w+' \(Conv1D\): unfold does not import Conv1D layers; it imports Embedding, SimpleRNN, LSTM/);
  const elu = tf.sequential({ layers: [tf.layers.simpleRNN({ units: 2, activation: 'elu', inputShape: [T, F] })] });
  await assert.rejects(importOf(elu), /\(SimpleRNN\): unsupported activation string "elu"; unfold imports linear, tanh, sigmoid, hard_sigmoid, relu, softmax/);
  const bi = tf.sequential({ layers: [tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2 }) as tf.RNN, inputShape: [T, F] })] });
  const { modelJson, weightData } = await saveTfjs(bi);
  const apart = JSON.parse(JSON.stringify(modelJson).replace('"merge_mode":"concat"', '"merge_mode":null'));
  assert.throws(() => kerasToUnfold(parseTfjsModel(apart, weightData, 'model.json')), /merge_mode concat, sum, mul or ave, got null/);
});

test('tfjs import: a model.json whose weights do not match its manifest is refused before any weight is read', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  const { modelJson, weightData } = await saveTfjs(model);
  assert.throws(() => parseTfjsModel(modelJson, weightData.subarray(4), 'm/model.json'), /m\/model.json: expected 32 bytes of weights for the manifest's 2 weights, got 28/);
  const renamed = structuredClone(modelJson);
  (renamed.weightsManifest[0].weights[0] as { name: string }).name = 'elsewhere/kernel';
  assert.throws(() => parseTfjsModel(renamed, weightData, 'm/model.json'), /weight 'elsewhere\/kernel' belongs to no layer of the model \(layers: dense_Dense\d+\)/);
});

test('tfjs import: the imported model round-trips through unfold\'s checkpoint format (config through the registry, weights by PyTorch names)', async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: 4, inputLength: T, maskZero: true }),
      tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true }) as tf.RNN, mergeMode: 'mul' }),
      tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', goBackwards: true }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  randomizeWeights(model, 17);
  const ours = await importOf(model);
  assert.deepEqual(Object.keys(ours.stateDict()).slice(0, 6), [
    'layers.0.weight', 'layers.1.forward_layer.cell.weight_ih', 'layers.1.forward_layer.cell.weight_hh',
    'layers.1.forward_layer.cell.bias_ih', 'layers.1.forward_layer.cell.bias_hh', 'layers.1.backward_layer.cell.weight_ih',
  ]);
  const back = deserializeCheckpoint(serializeCheckpoint({ model: ours }), 'imported.safetensors').model as KerasSequential;
  const ids = randomIds(B, T, V, 18, [6, 4, 2]);
  assertClose(predictUnfold(back, ids, [B, T]).values, predictTfjs(model, ids, [B, T]).values, 1e-5, 0, 'output after the round trip');
});

test('tfjs import: a functional model that is a chain of layers imports; one with branches is refused, naming the layer', async () => {
  const input = tf.input({ shape: [T] });
  const emb = tf.layers.embedding({ inputDim: V, outputDim: 4 }).apply(input) as tf.SymbolicTensor;
  const seq = tf.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid' }).apply(emb) as tf.SymbolicTensor;
  const chain = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(seq) as tf.SymbolicTensor });
  randomizeWeights(chain, 19);
  const ids = randomIds(B, T, V, 20);
  assertClose(predictUnfold(await importOf(chain), ids, [B, T]).values, predictTfjs(chain, ids, [B, T]).values, 1e-5, 0, 'output');
  const other = tf.layers.dense({ units: 5 }).apply(emb) as tf.SymbolicTensor;
  const branches = tf.model({ inputs: input, outputs: tf.layers.add().apply([seq, other]) as tf.SymbolicTensor });
  await assert.rejects(importOf(branches), /functional models import only as a chain \(each layer reading the one before it\); layer 3 \(dense_Dense\d+\) reads \[embedding_Embedding\d+\], expected \[lstm_LSTM\d+\]/);
});
