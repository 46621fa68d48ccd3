// Keras .h5 files written byte-for-byte in the layout Keras' saving code gives them (Keras 2's
// hdf5_format.py, Keras 3's legacy_h5_format.py), with h5wasm, for the import tests: no Python
// Keras on this machine. Whole-model saves have the topology as the root attribute model_config and
// the weights under model_weights/; weights-only saves (save_weights) have the layer groups at the
// root. Keras 2 writes names as fixed-length byte strings (numpy 'S'), Keras 3 as variable-length
// ones, and Keras 2 gives a layer without weights an empty float64 weight_names; both are kept.

import h5wasm, { type Group } from 'h5wasm/node';

export interface H5Weight { name: string; shape: number[]; data: ArrayLike<number> }
export interface H5Layer { name: string; weights: H5Weight[] }

export interface KerasH5Contents {
  /** 'keras2' (names 'lstm_1/kernel:0', fixed-length strings) or 'keras3' (variable-length strings). */
  layout: 'keras2' | 'keras3';
  kerasVersion: string;
  /** The topology JSON; omitted: a weights-only file. */
  modelConfig?: object;
  layers: H5Layer[];
}

/** Writes `contents` to `path` as Keras would. */
export async function writeKerasH5(path: string, contents: KerasH5Contents): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  try {
    const strings = (g: Group, key: string, values: string[]): void => {
      if (values.length === 0 && contents.layout === 'keras2') g.create_attribute(key, new Float64Array(0), [0]);
      else if (contents.layout === 'keras2') g.create_attribute(key, values, null, `S${Math.max(1, ...values.map((v) => v.length))}`);
      else g.create_attribute(key, values);
    };
    f.create_attribute('backend', 'tensorflow');
    f.create_attribute('keras_version', contents.kerasVersion);
    let root: Group = f;
    if (contents.modelConfig) {
      f.create_attribute('model_config', JSON.stringify(contents.modelConfig));
      root = f.create_group('model_weights');
      root.create_attribute('backend', 'tensorflow');
      root.create_attribute('keras_version', contents.kerasVersion);
    }
    strings(root, 'layer_names', contents.layers.map((l) => l.name));
    for (const layer of contents.layers) {
      const g = root.create_group(layer.name);
      strings(g, 'weight_names', layer.weights.map((w) => w.name));
      for (const w of layer.weights) {
        const parts = w.name.split('/');
        let at = g;
        for (const p of parts.slice(0, -1)) at = (at.get(p) as Group | null) ?? at.create_group(p);
        at.create_dataset({ name: parts[parts.length - 1], data: Float32Array.from(w.data), shape: w.shape, dtype: '<f' });
      }
    }
  } finally {
    f.close();
  }
}
