// Keras .h5 files in. The files are written in Keras' own layouts (keras_h5_files.ts): Keras 2's
// whole-model save of a model built in TensorFlow.js (its topology is Keras' JSON) must give
// TensorFlow.js's outputs; Keras 3's layout, with the forms TensorFlow.js cannot run (GRU
// reset_after=True, Keras 3's hard_sigmoid), must give the outputs of Keras' equations written out
// by hand (keras_reference.ts); a weights-only save imports with its architecture given.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { indices } from '../../../src/autograd/ops/gather.js';
import { Rng } from '../../../src/tensor/random.js';
import { readKerasH5 } from '../../../src/interop/keras/keras_h5.js';
import { kerasToUnfold } from '../../../src/interop/keras/layer_import.js';
import { GRU } from '../../../src/nn/layers/gru.js';
import { assertClose } from '../../helpers/tensors.js';
import { tempDir } from '../../helpers/files.js';
import { writeKerasH5, type H5Layer } from './keras_h5_files.js';
import { hardSigmoid3, kerasDense, kerasGru, kerasLstm } from './keras_reference.js';
import { predictTfjs, randomIds, randomizeWeights, saveTfjs, tf } from './tfjs_models.js';

const B = 3, T = 5, V = 9;

// A tfjs model's weights as Keras 2 names them in an .h5 file ('layer/…/kernel:0'), grouped by layer.
async function keras2Layers(model: tf.LayersModel): Promise<{ topology: object; layers: H5Layer[] }> {
  const { modelJson, weightData } = await saveTfjs(model);
  const f32 = new Float32Array(weightData.buffer, weightData.byteOffset, weightData.byteLength / 4);
  const layers = new Map<string, H5Layer>();
  let at = 0;
  for (const w of modelJson.weightsManifest[0].weights as { name: string; shape: number[] }[]) {
    const n = w.shape.reduce((a, b) => a * b, 1), layer = w.name.split('/')[0];
    if (!layers.has(layer)) layers.set(layer, { name: layer, weights: [] });
    layers.get(layer)!.weights.push({ name: `${w.name}:0`, shape: w.shape, data: f32.slice(at, at + n) });
    at += n;
  }
  const order = model.layers.map((l) => layers.get(l.name) ?? { name: l.name, weights: [] });
  return { topology: modelJson.modelTopology as object, layers: order };
}

function tfjsModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: 4, inputLength: T, maskZero: true }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid' }) as tf.RNN, mergeMode: 'sum' }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.gru({ units: 4 }), // reset_after=False, hard_sigmoid: Keras 2's defaults
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  randomizeWeights(model, 21);
  return model;
}

test('keras h5: a Keras 2 whole-model save (model_config + model_weights) gives the outputs of the same model in TensorFlow.js', async () => {
  const model = tfjsModel();
  const { topology, layers } = await keras2Layers(model);
  const path = join(tempDir(), 'model.h5');
  await writeKerasH5(path, { layout: 'keras2', kerasVersion: '2.2.4', modelConfig: topology, layers });
  const read = await readKerasH5(path);
  assert.equal(read.kerasVersion, '2.2.4');
  assert.deepEqual(read.layers.map((l) => l.weights.length), [1, 6, 0, 3, 2]);
  const ids = randomIds(B, T, V, 22, [5, 2, 4]);
  const got = kerasToUnfold(read).eval().forward(indices(ids, [B, T]));
  const want = predictTfjs(model, ids, [B, T]);
  assert.deepEqual(got.shape, want.shape);
  assertClose(got.dataSync(), want.values, 1e-5, 0, 'output');
});

test('keras h5: a weights-only save (save_weights) imports with its architecture given, and says what is missing without it', async () => {
  const model = tfjsModel();
  const { topology, layers } = await keras2Layers(model);
  const path = join(tempDir(), 'weights.h5');
  await writeKerasH5(path, { layout: 'keras2', kerasVersion: '2.2.4', layers });
  await assert.rejects(readKerasH5(path), new RegExp(`${path} holds weights only \\(no model_config: saved with save_weights\\); give the architecture`));
  const read = await readKerasH5(path, { architecture: topology });
  const ids = randomIds(B, T, V, 23);
  assertClose(kerasToUnfold(read).eval().forward(indices(ids, [B, T])).dataSync(), predictTfjs(model, ids, [B, T]).values, 1e-5, 0, 'output');
});

test('keras h5: a Keras 3 file with a reset_after GRU and Keras 3\'s hard_sigmoid gives the outputs of Keras\' equations', async () => {
  const E = 3, H1 = 4, H2 = 5, O = 2, rng = new Rng(31);
  const u = (n: number): number[] => Array.from({ length: n }, () => rng.uniform(-0.6, 0.6));
  const w = {
    emb: u(V * E), gk: u(E * 3 * H1), grk: u(H1 * 3 * H1), gb: u(2 * 3 * H1),
    lk: u(H1 * 4 * H2), lrk: u(H2 * 4 * H2), lb: u(4 * H2), dk: u(H2 * O), db: u(O),
  };
  const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const rnn = { trainable: true, dtype, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false, use_bias: true, dropout: 0.0, recurrent_dropout: 0.0, seed: null };
  const modelConfig = {
    module: 'keras', class_name: 'Sequential', registered_name: null,
    config: {
      name: 'sequential', trainable: true, dtype,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: [null, T], dtype: 'float32', sparse: false, name: 'input_layer' } },
        { module: 'keras.layers', class_name: 'Embedding', registered_name: null, build_config: { input_shape: [null, T] }, config: { name: 'embedding', trainable: true, dtype, input_dim: V, output_dim: E, mask_zero: false } },
        { module: 'keras.layers', class_name: 'GRU', registered_name: null, config: { ...rnn, name: 'gru', return_sequences: true, units: H1, activation: 'tanh', recurrent_activation: 'sigmoid', reset_after: true } },
        { module: 'keras.layers', class_name: 'LSTM', registered_name: null, config: { ...rnn, name: 'lstm', return_sequences: false, units: H2, activation: 'tanh', recurrent_activation: 'hard_sigmoid', unit_forget_bias: true } },
        { module: 'keras.layers', class_name: 'Dense', registered_name: null, config: { name: 'dense', trainable: true, dtype, units: O, activation: 'linear', use_bias: true } },
      ],
      build_input_shape: [null, T],
    },
  };
  const layers: H5Layer[] = [
    { name: 'embedding', weights: [{ name: 'sequential/embedding/embeddings', shape: [V, E], data: w.emb }] },
    { name: 'gru', weights: [{ name: 'sequential/gru/gru_cell/kernel', shape: [E, 3 * H1], data: w.gk }, { name: 'sequential/gru/gru_cell/recurrent_kernel', shape: [H1, 3 * H1], data: w.grk }, { name: 'sequential/gru/gru_cell/bias', shape: [2, 3 * H1], data: w.gb }] },
    { name: 'lstm', weights: [{ name: 'sequential/lstm/lstm_cell/kernel', shape: [H1, 4 * H2], data: w.lk }, { name: 'sequential/lstm/lstm_cell/recurrent_kernel', shape: [H2, 4 * H2], data: w.lrk }, { name: 'sequential/lstm/lstm_cell/bias', shape: [4 * H2], data: w.lb }] },
    { name: 'dense', weights: [{ name: 'sequential/dense/kernel', shape: [H2, O], data: w.dk }, { name: 'sequential/dense/bias', shape: [O], data: w.db }] },
  ];
  const path = join(tempDir(), 'keras3.h5');
  await writeKerasH5(path, { layout: 'keras3', kerasVersion: '3.8.0', modelConfig, layers });
  const model = kerasToUnfold(await readKerasH5(path));
  assert.ok(model.layers[1].module instanceof GRU && model.layers[1].module.resetAfter, 'a standard reset_after GRU is unfold\'s own GRU');
  const ids = randomIds(B, T, V, 32);
  const want: number[] = [];
  for (let b = 0; b < B; b++) {
    const xs = ids.slice(b * T, (b + 1) * T).map((id) => w.emb.slice(id * E, (id + 1) * E));
    const hs = kerasGru(xs, w.gk, w.grk, w.gb, H1, true);
    const last = kerasLstm(hs, w.lk, w.lrk, w.lb, H2, Math.tanh, hardSigmoid3).at(-1)!;
    want.push(...kerasDense(last, w.dk, w.db, O));
  }
  const got = model.eval().forward(indices(ids, [B, T]));
  assert.deepEqual(got.shape, [B, O]);
  assertClose(got.dataSync(), want, 1e-5, 0, 'output');
});

test('keras h5: files that are not Keras models are refused, naming the file', async () => {
  const dir = tempDir();
  await assert.rejects(readKerasH5(join(dir, 'none.h5')), /cannot read Keras model .*none\.h5: no such file/);
  writeFileSync(join(dir, 'text.h5'), 'not hdf5 at all');
  await assert.rejects(readKerasH5(join(dir, 'text.h5')), /text\.h5: expected an HDF5 file \(a Keras \.h5 model\), got a file starting "not hdf5"/);
  const path = join(dir, 'bad.h5');
  await writeKerasH5(path, { layout: 'keras3', kerasVersion: '3.8.0', modelConfig: { class_name: 'Sequential', config: { layers: [{ class_name: 'LSTM', config: { name: 'lstm', units: 2 } }] } }, layers: [{ name: 'lstm', weights: [{ name: 'k', shape: [3, 8], data: new Array(24).fill(0) }] }] });
  await assert.rejects(async () => kerasToUnfold(await readKerasH5(path)), /bad\.h5: layer 'lstm' \(LSTM\): expected 3 weight arrays, got 1 \(k\)/);
});
