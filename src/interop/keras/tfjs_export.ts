// unfold models out to the TensorFlow.js layers format: model.json (Keras' topology JSON as
// TensorFlow.js writes it, and the weights manifest) and one shard of float32 weights, which
// tf.loadLayersModel opens. Two kinds of model go: a KerasSequential (an import, or one built from
// the same parts) and a character model (Embedding → its LSTM / RNN stack, return_sequences on
// every layer → a linear Dense over the vocabulary, giving the logits). Weights go back to Keras'
// layout (gate_layout.ts). Refused, with the reason: what TensorFlow.js cannot run the same way
// (the reset-after GRU, which tfjs lacks; a reset-before GRU with a recurrent n-gate bias, which
// Keras lacks; zoneout; Keras 3's hard_sigmoid).

import type { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../../nn/module.js';
import type { CellBase } from '../../nn/cells/cell.js';
import { LSTMCell } from '../../nn/cells/lstm_cell.js';
import { GRUCell } from '../../nn/cells/gru_cell.js';
import { RNNCell } from '../../nn/cells/rnn_cell.js';
import { RecurrentLayer } from '../../nn/layers/recurrent_layer.js';
import type { Embedding } from '../../nn/layers/embedding.js';
import type { Linear } from '../../nn/layers/linear.js';
import { Recurrence } from '../../nn/wrappers/recurrence.js';
import type { Bidirectional, MergeMode } from '../../nn/wrappers/bidirectional.js';
import type { SequenceModule } from '../../nn/wrappers/sequence_module.js';
import { CharModel } from '../../train/char_model.js';
import { tfjsActivationName, type Activation } from './activations.js';
import { KerasGRUCell, KerasLSTMCell, KerasRNNCell } from './keras_cells.js';
import { KerasSequential, type KerasSequentialLayer } from './keras_sequential.js';
import { biasToKeras, kernelToKeras, transpose2d, type RecurrentKind } from './gate_layout.js';

/** model.json (as an object) and the bytes of its one weight shard. */
export interface TfjsArtifacts {
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: { class_name: 'Sequential'; config: { name: string; layers: object[] }; keras_version: string; backend: string };
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
  };
  weightData: Uint8Array;
}

interface OutWeight { name: string; shape: number[]; data: Float32Array }
interface OutLayer { className: string; config: Record<string, unknown>; weights: OutWeight[] }

const MERGE_NAMES: Readonly<Record<MergeMode, string>> = { concat: 'concat', sum: 'sum', mul: 'mul', mean: 'ave' };

/**
 * The TensorFlow.js layers form of `model` (a KerasSequential or a CharModel); `shard` names the
 * weight file model.json points to. Throws naming the part that TensorFlow.js cannot run as unfold does.
 */
export function toTfjsArtifacts(model: Module, shard = 'group1-shard1of1.bin'): TfjsArtifacts {
  const layers = model instanceof KerasSequential ? sequentialLayers(model)
    : model instanceof CharModel ? charModelLayers(model)
      : refuse(`expected a KerasSequential or a character model, got ${model.constructor.name}`);
  const topologyLayers = layers.map((l, i) => ({ class_name: l.className, config: i === 0 ? { ...l.config, batch_input_shape: inputShape(model) } : l.config }));
  const weights = layers.flatMap((l) => l.weights);
  const bytes = new Uint8Array(4 * weights.reduce((n, w) => n + w.data.length, 0));
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const w of weights) for (const v of w.data) { view.setFloat32(at, v, true); at += 4; }
  return {
    modelJson: {
      format: 'layers-model', generatedBy: 'unfold', convertedBy: null,
      modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers: topologyLayers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      weightsManifest: [{ paths: [shard], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })) }],
    },
    weightData: bytes,
  };
}

function refuse(why: string): never {
  throw new Error(`export to TensorFlow.js: ${why}`);
}

// The first layer's batch_input_shape: ids [batch, time] or features [batch, time, F], F read off the
// first layer with weights (Masking, Dropout and Activation keep the feature size).
function inputShape(model: Module): (number | null)[] {
  if (model instanceof CharModel || (model as KerasSequential).readsIds) return [null, null];
  const first = (model as KerasSequential).layers.find((l) => l.module !== null);
  if (!first) return refuse('the model has no layer with weights, so its input size is unknown');
  const F = first.step.kind === 'dense' ? (first.module as Linear).config.inFeatures : (first.module as unknown as SequenceModule).inputSize;
  return [null, null, F];
}

function sequentialLayers(model: KerasSequential): OutLayer[] {
  return model.layers.map(({ step, module }: KerasSequentialLayer): OutLayer => {
    const name = step.name;
    switch (step.kind) {
      case 'embedding': return embeddingLayer(name, module as Embedding, step.maskZero);
      case 'masking': return { className: 'Masking', config: { name, mask_value: step.maskValue }, weights: [] };
      case 'dropout': return { className: 'Dropout', config: { name, rate: step.rate }, weights: [] };
      case 'activation': return { className: 'Activation', config: { name, activation: activationName(step.activation, name) }, weights: [] };
      case 'dense': return denseLayer(name, module as Linear, step.activation, step.timeDistributed);
      case 'recurrent': {
        const r = recurrentConfig(name, module as Module, name, { returnSequences: step.returnSequences, goBackwards: step.goBackwards });
        return { className: r.kind, config: r.config, weights: r.weights };
      }
      case 'bidirectional': {
        const b = module as Bidirectional, inner = `${name}_layer`;
        const options = { returnSequences: step.returnSequences, goBackwards: step.goBackwards };
        const f = recurrentConfig(inner, b.forwardLayer as unknown as Module, `${name}/forward_${inner}`, options);
        const k = recurrentConfig(inner, b.backwardLayer as unknown as Module, `${name}/backward_${inner}`, options);
        if (f.kind !== k.kind || JSON.stringify(f.config) !== JSON.stringify(k.config)) refuse(`Bidirectional '${name}': Keras runs one layer config both ways; this model's two directions differ`);
        return { className: 'Bidirectional', config: { name, merge_mode: MERGE_NAMES[b.merge], layer: { class_name: f.kind, config: f.config } }, weights: [...f.weights, ...k.weights] };
      }
    }
  });
}

function charModelLayers(model: CharModel): OutLayer[] {
  const rnn = model.rnn, kind = rnn.constructor.name;
  const out: OutLayer[] = [embeddingLayer('embedding', model.embedding, false)];
  rnn.cells.forEach((row, l) => {
    const name = `${kind.toLowerCase()}_${l + 1}`;
    const r = cellConfig(name, row[0], name, rnn.config, { returnSequences: true, goBackwards: false }, `${kind} layer ${l}`);
    out.push({ className: r.kind, config: r.config, weights: r.weights });
  });
  out.push(denseLayer('dense', model.head, 'linear', false));
  return out;
}

function embeddingLayer(name: string, e: Embedding, maskZero: boolean): OutLayer {
  const { numEmbeddings: V, embeddingDim: E } = e.config;
  return { className: 'Embedding', config: { name, input_dim: V, output_dim: E, mask_zero: maskZero }, weights: [weight(`${name}/embeddings`, [V, E], e.weight)] };
}

function denseLayer(name: string, d: Linear, activation: Activation, timeDistributed: boolean): OutLayer {
  const { inFeatures: I, outFeatures: O } = d.config;
  const weights = [{ name: `${name}/kernel`, shape: [I, O], data: transpose2d(d.weight.dataSync() as Float32Array, O, I) }];
  if (d.bias) weights.push(weight(`${name}/bias`, [O], d.bias));
  const dense = { units: O, activation: activationName(activation, name), use_bias: d.bias !== null };
  return timeDistributed
    ? { className: 'TimeDistributed', config: { name, layer: { class_name: 'Dense', config: { name: `${name}_dense`, ...dense } } }, weights }
    : { className: 'Dense', config: { name, ...dense }, weights };
}

// A direction of a recurrent layer (unfold's one-layer RNN / LSTM / GRU, or a Recurrence over a
// cell, Keras' or unfold's) as a Keras layer config and its weights, named under `prefix`.
function recurrentConfig(name: string, m: Module, prefix: string, options: { returnSequences: boolean; goBackwards: boolean }): { kind: RecurrentKind; config: Record<string, unknown>; weights: OutWeight[] } {
  if (m instanceof RecurrentLayer) {
    if (m.config.numLayers !== 1 || m.config.bidirectional) refuse(`layer '${name}': expected a one-layer, one-direction recurrent layer, got ${m.config.numLayers} layers${m.config.bidirectional ? ', bidirectional' : ''}`);
    return cellConfig(name, m.cells[0][0], prefix, m.config, options, `layer '${name}'`);
  }
  if (m instanceof Recurrence) return cellConfig(name, m.cell as CellBase, prefix, m.regularization, options, `layer '${name}'`);
  return refuse(`layer '${name}': expected a recurrent layer or a Recurrence, got ${m.constructor.name}`);
}

function cellConfig(
  name: string, cell: CellBase, prefix: string, reg: { inputDropout: number; recurrentDropout: number; zoneoutHidden: number; zoneoutCell: number },
  options: { returnSequences: boolean; goBackwards: boolean }, who: string,
): { kind: RecurrentKind; config: Record<string, unknown>; weights: OutWeight[] } {
  if (reg.zoneoutHidden > 0 || reg.zoneoutCell > 0) refuse(`${who} uses zoneout, which Keras does not have`);
  const kind: RecurrentKind = cell instanceof LSTMCell ? 'LSTM' : cell instanceof GRUCell ? 'GRU' : cell instanceof RNNCell ? 'SimpleRNN' : refuse(`${who}: expected an RNN, LSTM or GRU cell, got ${cell.constructor.name}`);
  const activations = cell instanceof KerasLSTMCell || cell instanceof KerasGRUCell ? cell.activations
    : cell instanceof KerasRNNCell ? { activation: cell.activation, recurrentActivation: 'sigmoid' as const }
      : { activation: cell instanceof RNNCell ? cell.nonlinearity : 'tanh' as const, recurrentActivation: 'sigmoid' as const };
  const H = cell.hiddenSize, I = cell.inputSize;
  const config: Record<string, unknown> = {
    name, units: H, activation: activationName(activations.activation, name), recurrent_activation: activationName(activations.recurrentActivation, name),
    use_bias: cell.useBias, return_sequences: options.returnSequences, return_state: false, go_backwards: options.goBackwards,
    stateful: false, unroll: false, dropout: reg.inputDropout, recurrent_dropout: reg.recurrentDropout,
  };
  if (kind === 'SimpleRNN') delete config.recurrent_activation;
  const weights = [
    { name: `${prefix}/kernel`, shape: [I, kernelWidth(kind, H)], data: kernelToKeras(cell.weight_ih.dataSync() as Float32Array, I, kind, H) },
    { name: `${prefix}/recurrent_kernel`, shape: [H, kernelWidth(kind, H)], data: kernelToKeras(cell.weight_hh.dataSync() as Float32Array, H, kind, H) },
  ];
  if (cell instanceof GRUCell) {
    if (cell.resetAfter) refuse(`${who} is a reset-after GRU (PyTorch's form, Keras' reset_after=True), which TensorFlow.js does not implement`);
    config.reset_after = false;
  }
  if (cell.bias_ih && cell.bias_hh) {
    const bi = cell.bias_ih.dataSync(), bh = cell.bias_hh.dataSync(), sum = new Float32Array(bi.length);
    for (let j = 0; j < sum.length; j++) sum[j] = bi[j] + bh[j];
    if (kind === 'GRU') {
      // Keras' reset-before GRU has no recurrent bias inside r ⊙ (h·W_hn): b_hn must be zero.
      if (bh.subarray(2 * H).some((v) => v !== 0)) refuse(`${who} has a nonzero b_hn (the recurrent bias of the n gate), which Keras' reset_after=False GRU does not have`);
      sum.set(bi.subarray(2 * H), 2 * H);
    }
    weights.push({ name: `${prefix}/bias`, shape: [sum.length], data: biasToKeras(sum, kind, H) });
  }
  return { kind, config, weights };
}

const kernelWidth = (kind: RecurrentKind, H: number): number => (kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1) * H;

function activationName(a: Activation, layer: string): string {
  return tfjsActivationName(a) ?? refuse(`layer '${layer}' uses Keras 3's hard_sigmoid (x/6 + 1/2), which TensorFlow.js' hard_sigmoid (x/5 + 1/2) is not`);
}

function weight(name: string, shape: number[], t: Tensor): OutWeight {
  return { name, shape, data: Float32Array.from(t.dataSync()) };
}
