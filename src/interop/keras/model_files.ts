// Keras and TensorFlow.js models on disk (node-only): reading either kind of file by what it is (a
// model.json with its shards beside it, or an HDF5 .h5), and writing the TensorFlow.js layers
// format (model.json and one shard) atomically, as tfjs-node's file:// handler lays it out.

import { dirname, join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { readRegularFileSync } from '../../io/read_file.js';
import { writeFileAtomic } from '../../io/atomic_write.js';
import { readKerasH5, type ReadKerasH5Options } from './keras_h5.js';
import { parseTfjsModel, tfjsShardPaths } from './tfjs_format.js';
import type { KerasModel } from './topology.js';
import type { TfjsArtifacts } from './tfjs_export.js';

/**
 * The model in `path`: a TensorFlow.js model.json (shards read from its folder) when the file is
 * JSON, else a Keras .h5 file (`options.architecture` for a weights-only one).
 */
export async function readKerasModelFile(path: string, options: ReadKerasH5Options = {}): Promise<KerasModel> {
  const bytes = readRegularFileSync(path, 'Keras model');
  if (bytes[0] !== 0x7b) return readKerasH5(path, options); // '{' starts a model.json
  let json: unknown;
  try { json = JSON.parse(new TextDecoder().decode(bytes)); } catch (e) {
    throw new Error(`${path}: expected a TensorFlow.js model.json, got text that is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const shards = tfjsShardPaths(json, path).map((p) => readRegularFileSync(resolve(dirname(path), p), `weight shard of ${path}`));
  const weights = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of shards) { weights.set(s, at); at += s.length; }
  return parseTfjsModel(json, weights, path);
}

/** Writes `artifacts` into folder `dir` (made if missing): model.json and its shard; returns model.json's path. */
export async function writeTfjsModel(dir: string, artifacts: TfjsArtifacts): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const [shard] = artifacts.modelJson.weightsManifest[0].paths;
  await writeFileAtomic(join(dir, shard), artifacts.weightData);
  const path = join(dir, 'model.json');
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(artifacts.modelJson)));
  return path;
}
