// Keras HDF5 files in (node-only: h5wasm reads the file from disk). Two layouts, as Keras' legacy
// saving code writes them (keras/src/legacy/saving/legacy_h5_format.py, and Keras 2's hdf5_format.py):
//   model.save('m.h5'):        root attrs model_config (the topology JSON), keras_version, backend;
//                              group model_weights/ with attr layer_names, and per layer a group
//                              model_weights/<layer>/ with attr weight_names, each name the path of
//                              a dataset under that group ('lstm_1/kernel:0' in Keras 2,
//                              'sequential/lstm/lstm_cell/kernel' in Keras 3).
//   model.save_weights('w.h5'): the same layer groups at the root, and no topology: the architecture
//                              (model.to_json()) must then be given.
// Weights are read in weight_names order, the order Keras loads them by.

import h5wasm, { type Dataset, type Group } from 'h5wasm/node';
import { readRegularFileSync } from '../../io/read_file.js';
import { describeValue } from '../../tensor/describe_value.js';
import { topologyLayers, type KerasModel, type KerasWeight } from './topology.js';

/** The 8-byte signature every HDF5 file that h5py writes starts with. */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface ReadKerasH5Options {
  /**
   * The architecture for a weights-only file (model.save_weights): Keras' model JSON
   * (`model.to_json()`) or a TensorFlow.js model.json, parsed. Ignored when the file has its own.
   */
  architecture?: unknown;
}

/** The model of a Keras .h5 file: topology from the file (or `options.architecture`) and weights. */
export async function readKerasH5(path: string, options: ReadKerasH5Options = {}): Promise<KerasModel> {
  const head = readRegularFileSync(path, 'Keras model').subarray(0, 8);
  if (head.length < 8 || HDF5_SIGNATURE.some((b, i) => head[i] !== b)) {
    throw new Error(`${path}: expected an HDF5 file (a Keras .h5 model), got a file starting ${JSON.stringify(String.fromCharCode(...head))}`);
  }
  await h5wasm.ready;
  let file: InstanceType<typeof h5wasm.File>;
  try { file = new h5wasm.File(path, 'r'); } catch (e) {
    throw new Error(`${path}: cannot open as HDF5: ${(e as Error).message}`, { cause: e });
  }
  try {
    const config = stringAttr(file, 'model_config', path);
    let topology: unknown = options.architecture;
    if (config !== null) {
      try { topology = JSON.parse(config); } catch {
        throw new Error(`${path}: expected JSON in the model_config attribute, got ${JSON.stringify(config.slice(0, 60))}`);
      }
    } else if (topology === undefined) {
      throw new Error(`${path} holds weights only (no model_config: saved with save_weights); give the architecture (the model's to_json() output, or a model.json)`);
    }
    const fileVersion = stringAttr(file, 'keras_version', path);
    const { layers, kerasVersion } = topologyLayers(topology, path);
    const weights = file.get('model_weights');
    const group = config !== null && isGroup(weights) ? weights : file;
    return {
      layers: layers.map((l) => ({ ...l, weights: layerWeights(group, l.name, path) })),
      kerasVersion: fileVersion ?? kerasVersion, source: path,
    };
  } finally {
    file.close();
  }
}

// The weights of one layer's group, in weight_names order ([] when the layer has no group or no weights).
function layerWeights(root: Group, layer: string, path: string): KerasWeight[] {
  const g = root.get(layer);
  if (!isGroup(g)) return [];
  const names = g.attrs.weight_names?.value;
  if (!Array.isArray(names)) return [];
  return names.map((n) => {
    const name = String(n), where = `${path}: weight '${name}' of layer '${layer}'`;
    const d = g.get(name);
    if (!isDataset(d)) throw new Error(`${where}: expected a dataset at ${g.path}/${name}, got ${d === null ? 'nothing' : 'a group or link'}`);
    const meta = d.metadata, value = d.value;
    if (meta.type !== 1 || !(value instanceof Float32Array || value instanceof Float64Array)) {
      throw new Error(`${where}: expected float32 or float64 values, got HDF5 type ${meta.type} of ${meta.size} bytes`);
    }
    return { name: name.replace(/:0$/, ''), shape: [...(d.shape ?? [])], data: Float32Array.from(value) };
  });
}

function stringAttr(g: Group, key: string, path: string): string | null {
  if (!(key in g.attrs)) return null;
  const v = g.attrs[key].value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  throw new Error(`${path}: expected attribute ${key} to be a string, got ${describeValue(v)}`);
}

const isGroup = (e: unknown): e is Group => e instanceof h5wasm.Group;
const isDataset = (e: unknown): e is Dataset => e instanceof h5wasm.Dataset;
