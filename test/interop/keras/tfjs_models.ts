// Models built and run in TensorFlow.js itself (@tensorflow/tfjs, CPU backend), the truth the Keras
// import and export tests compare unfold against: a model's saved form (model.json and its weight
// bytes, captured in memory by a save handler, as tfjs-node would write them to disk), loading a
// saved form back, random weights everywhere (biases included, which Keras initialises to zero and
// so would hide a misplaced bias), and predictions as flat arrays.

import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src/tensor/random.js';

await tf.setBackend('cpu');

export { tf };

/** A model.json (parsed) and its one weight shard. */
export interface SavedTfjs {
  modelJson: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[]; format: string };
  weightData: Uint8Array;
}

/** What model.save() writes, captured in memory: model.json with one shard 'weights.bin'. */
export async function saveTfjs(model: tf.LayersModel): Promise<SavedTfjs> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = saved!;
  const parts = Array.isArray(a.weightData) ? a.weightData : [a.weightData!];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { bytes.set(new Uint8Array(p), at); at += p.byteLength; }
  return {
    modelJson: { modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs! }], format: 'layers-model' },
    weightData: bytes,
  };
}

/** Loads a saved form (model.json parsed, its shards concatenated) in TensorFlow.js. */
export async function loadTfjs(modelJson: { modelTopology: unknown; weightsManifest: { weights: unknown[] }[] }, weightData: Uint8Array): Promise<tf.LayersModel> {
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  const buffer = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology as object, weightSpecs, weightData: buffer }));
}

/** Sets every weight of `model` to U(−0.5, 0.5) from a seeded generator. */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  model.setWeights(model.getWeights().map((w) => tf.tensor(Array.from({ length: w.size }, () => rng.uniform(-0.5, 0.5)), w.shape)));
}

/** model.predict(x) as flat values and shape. */
export function predictTfjs(model: tf.LayersModel, x: number[] | Float32Array, shape: number[]): { values: Float32Array; shape: number[] } {
  const y = model.predict(tf.tensor(x, shape)) as tf.Tensor;
  return { values: y.dataSync() as Float32Array, shape: y.shape };
}

/** B·T token ids in [1, V) with row b padded by zeros after pads[b] real steps (no padding: pads omitted). */
export function randomIds(B: number, T: number, V: number, seed: number, lengths?: number[]): number[] {
  const rng = new Rng(seed);
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.push(lengths && t >= lengths[b] ? 0 : 1 + Math.floor(rng.random() * (V - 1)));
  return out;
}

/** B·T·F features U(−1, 1); steps of row b at or after lengths[b] are all `pad`. */
export function randomFeatures(B: number, T: number, F: number, seed: number, lengths?: number[], pad = 0): number[] {
  const rng = new Rng(seed);
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) out.push(lengths && t >= lengths[b] ? pad : rng.uniform(-1, 1));
  return out;
}
