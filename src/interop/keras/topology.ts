// A Keras model as data, whichever file it came from: the layers of its topology (the JSON that
// Keras writes as `model_config` into an .h5 file and TensorFlow.js as `modelTopology` into
// model.json) in order, each with its weights in Keras' own order (kernel, recurrent_kernel, bias,
// …), which is the order Keras itself loads them by. Sequential models in their three spellings
// (Keras ≤ 2.1's bare layer list, Keras 2.2+ / TensorFlow.js's { name, layers }, Keras 3's leading
// InputLayer) and functional models that are a plain chain of layers are read; anything else is
// refused with what was found.

import { describeValue } from '../../tensor/describe_value.js';

/** One weight array of a layer: its Keras name, shape and values (row-major, as Keras stores them). */
export interface KerasWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A layer's class and config as Keras serialises them (snake_case keys), and its weights. */
export interface KerasLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
  weights: KerasWeight[];
}

/** A Keras model read from a file: its layers in order and the Keras version that saved it. */
export interface KerasModel {
  layers: KerasLayer[];
  /** 'keras_version' of the file: '2.2.4', '3.8.0', 'tfjs-layers 4.22.0' ('' when the file has none). */
  kerasVersion: string;
  /** What the model was read from, for messages (a file's path). */
  source: string;
}

/** A layer of the topology before its weights are attached. */
export type LayerSpec = Omit<KerasLayer, 'weights'>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The layers (InputLayer dropped) of a Keras topology: `{ class_name, config }`, or TensorFlow.js'
 * converted form `{ model_config: { class_name, config }, keras_version }`. `where` starts errors.
 */
export function topologyLayers(topology: unknown, where: string): { layers: LayerSpec[]; kerasVersion: string } {
  if (!isObject(topology)) throw new Error(`${where}: expected a Keras model topology object, got ${describeValue(topology)}`);
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const version = topology.keras_version ?? model.keras_version;
  const kerasVersion = typeof version === 'string' ? version : '';
  const cls = model.class_name, config = model.config;
  let raw: unknown[];
  if (cls === 'Sequential') {
    if (Array.isArray(config)) raw = config;
    else if (isObject(config) && Array.isArray(config.layers)) raw = config.layers;
    else throw new Error(`${where}: expected the Sequential model's config to hold a list of layers, got ${describeValue(config)}`);
  } else if (cls === 'Model' || cls === 'Functional') {
    if (!isObject(config) || !Array.isArray(config.layers)) throw new Error(`${where}: expected the functional model's config to hold a list of layers, got ${describeValue(config)}`);
    raw = chainLayers(config.layers, where);
  } else {
    throw new Error(`${where}: expected a Sequential or functional Keras model, got class_name ${describeValue(cls)}`);
  }
  const layers = raw.map((l, i) => layerSpec(l, `${where}: layer ${i}`)).filter((l) => l.className !== 'InputLayer');
  if (layers.length === 0) throw new Error(`${where}: expected at least one layer, got none`);
  return { layers, kerasVersion };
}

/** A layer entry `{ class_name, config }` (a wrapper's inner layer too) as a LayerSpec. */
export function layerSpec(raw: unknown, where: string): LayerSpec {
  if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) {
    throw new Error(`${where}: expected { class_name, config }, got ${describeValue(raw)}`);
  }
  const name = raw.config.name ?? raw.name;
  return { className: raw.class_name, name: typeof name === 'string' ? name : raw.class_name.toLowerCase(), config: raw.config };
}

// A functional model's layers, checked to be a chain: each layer's only input is the layer before it.
function chainLayers(layers: unknown[], where: string): unknown[] {
  let previous: string | null = null;
  layers.forEach((l, i) => {
    const entry = isObject(l) ? l : {};
    const name = typeof entry.name === 'string' ? entry.name : isObject(entry.config) ? entry.config.name : undefined;
    const inputs = [...new Set(inboundNames(entry.inbound_nodes))];
    const ok = previous === null ? inputs.length === 0 : inputs.length === 1 && inputs[0] === previous;
    if (!ok) {
      throw new Error(`${where}: functional models import only as a chain (each layer reading the one before it); layer ${i} (${String(name)}) reads [${inputs.join(', ')}]${previous === null ? '' : `, expected [${previous}]`}`);
    }
    previous = typeof name === 'string' ? name : String(i);
  });
  return layers;
}

// The layer names an inbound_nodes entry refers to: Keras 2's [[name, node, tensor, kwargs], …] and
// Keras 3's { args: [{ config: { keras_history: [name, node, tensor] } }] }.
function inboundNames(nodes: unknown): string[] {
  if (Array.isArray(nodes)) {
    if (typeof nodes[0] === 'string' && typeof nodes[1] === 'number') return [nodes[0]];
    return nodes.flatMap(inboundNames);
  }
  if (isObject(nodes)) {
    if (Array.isArray(nodes.keras_history)) return inboundNames(nodes.keras_history);
    return Object.values(nodes).flatMap(inboundNames);
  }
  return [];
}
