// The TensorFlow.js layers format in: model.json (`modelTopology`, Keras' topology JSON, and
// `weightsManifest`, the weights' names, shapes and dtypes in the order their bytes follow) and
// the weight shards, concatenated in manifest order. Bytes in, so that browsers can use it; the
// files are ./model_files.ts. Weights are given to the layer their name starts with
// ('lstm_1/kernel'; Keras 3 converts as 'sequential/lstm/lstm_cell/kernel': the first path
// component that names a layer).

import { describeValue } from '../../tensor/describe_value.js';
import { topologyLayers, type KerasLayer, type KerasModel, type KerasWeight } from './topology.js';

interface WeightEntry { name: string; shape: number[]; dtype: string }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shard files model.json lists, in the order their bytes are concatenated. */
export function tfjsShardPaths(modelJson: unknown, source: string): string[] {
  return manifest(modelJson, source).flatMap((g) => g.paths);
}

/**
 * The model of a model.json (parsed) and its weight bytes (every shard, in tfjsShardPaths order).
 * `source` names the file in errors.
 */
export function parseTfjsModel(modelJson: unknown, weightData: Uint8Array, source: string): KerasModel {
  if (!isObject(modelJson) || !('modelTopology' in modelJson)) {
    throw new Error(`${source}: expected a TensorFlow.js layers model.json with 'modelTopology', got ${describeValue(modelJson)}`);
  }
  const { layers, kerasVersion } = topologyLayers(modelJson.modelTopology, source);
  const entries = manifest(modelJson, source).flatMap((g) => g.weights);
  const bytes = entries.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes !== weightData.length) {
    throw new Error(`${source}: expected ${bytes} bytes of weights for the manifest's ${entries.length} weights, got ${weightData.length}`);
  }
  // Copied out so that each weight is aligned and owns its memory.
  const view = new DataView(weightData.buffer, weightData.byteOffset, weightData.byteLength);
  const byLayer = new Map<string, KerasWeight[]>(layers.map((l) => [l.name, []]));
  let at = 0;
  for (const w of entries) {
    const n = w.shape.reduce((a, b) => a * b, 1), data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(at + 4 * i, true);
    at += 4 * n;
    const owner = w.name.split('/').find((part) => byLayer.has(part));
    if (owner === undefined) throw new Error(`${source}: weight '${w.name}' belongs to no layer of the model (layers: ${layers.map((l) => l.name).join(', ')})`);
    byLayer.get(owner)!.push({ name: w.name, shape: w.shape, data });
  }
  const withWeights: KerasLayer[] = layers.map((l) => ({ ...l, weights: byLayer.get(l.name)! }));
  return { layers: withWeights, kerasVersion, source };
}

function manifest(modelJson: unknown, source: string): { paths: string[]; weights: WeightEntry[] }[] {
  const m = isObject(modelJson) ? modelJson.weightsManifest : undefined;
  if (!Array.isArray(m)) throw new Error(`${source}: expected 'weightsManifest' to be a list of weight groups, got ${describeValue(m)}`);
  return m.map((g, i) => {
    const where = `${source}: weightsManifest[${i}]`;
    if (!isObject(g) || !Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string') || !Array.isArray(g.weights)) {
      throw new Error(`${where}: expected { paths: [file names], weights: [...] }, got ${describeValue(g)}`);
    }
    return { paths: g.paths as string[], weights: g.weights.map((w, j) => weightEntry(w, `${where}.weights[${j}]`)) };
  });
}

function weightEntry(w: unknown, where: string): WeightEntry {
  if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)
    || !w.shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new Error(`${where}: expected { name, shape: [sizes], dtype }, got ${describeValue(w)}`);
  }
  if ('quantization' in w && w.quantization !== null && w.quantization !== undefined) {
    throw new Error(`${where}: weight '${w.name}' is quantized; unfold reads float32 weights only (save the model without quantization)`);
  }
  const dtype = w.dtype ?? 'float32';
  if (dtype !== 'float32') throw new Error(`${where}: expected weight '${w.name}' of dtype float32, got ${describeValue(dtype)}`);
  return { name: w.name, shape: w.shape as number[], dtype };
}
