// A Keras model (topology.ts) as unfold modules: each supported Keras layer becomes the unfold
// module that computes the same function, with its weights moved into unfold's layout
// (gate_layout.ts), and the whole is a KerasSequential. Recurrent layers with Keras' default
// activations become unfold's own LSTM / GRU / RNN layers (fused kernels); others run a Recurrence
// over a cell with those activations (keras_cells.ts). What unfold cannot reproduce exactly
// (return_state, time_major, a Bidirectional without merge, an unknown layer or activation) is
// refused, naming the layer.

import { describeValue } from '../../tensor/describe_value.js';
import { formatShape } from '../../tensor/shape.js';
import type { Module } from '../../nn/module.js';
import type { CellBase } from '../../nn/cells/cell.js';
import { Embedding } from '../../nn/layers/embedding.js';
import { Linear } from '../../nn/layers/linear.js';
import { LSTM } from '../../nn/layers/lstm.js';
import { GRU } from '../../nn/layers/gru.js';
import { RNN } from '../../nn/layers/rnn.js';
import { Recurrence } from '../../nn/wrappers/recurrence.js';
import { Bidirectional, type MergeMode } from '../../nn/wrappers/bidirectional.js';
import type { SequenceModule } from '../../nn/wrappers/sequence_module.js';
import { kerasActivation, type Activation } from './activations.js';
import { KerasGRUCell, KerasLSTMCell, KerasRNNCell } from './keras_cells.js';
import { KerasSequential, type KerasSequentialLayer, type KerasStep } from './keras_sequential.js';
import { biasToUnfold, kernelToUnfold, transpose2d, type RecurrentKind } from './gate_layout.js';
import { layerSpec, type KerasLayer, type KerasModel, type KerasWeight, type LayerSpec } from './topology.js';

/** The Keras layer classes unfold imports. */
export const IMPORTED_LAYERS = ['Embedding', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional', 'Dense', 'TimeDistributed(Dense)', 'Masking', 'Dropout', 'Activation'];

const MERGES: Readonly<Record<string, MergeMode>> = { concat: 'concat', sum: 'sum', mul: 'mul', ave: 'mean' };

/** The unfold model that computes what `model` computes in Keras (inference; dropout in training). */
export function kerasToUnfold(model: KerasModel): KerasSequential {
  return new KerasSequential(model.layers.map((l) => importLayer(l, model)));
}

function importLayer(layer: KerasLayer, model: KerasModel): KerasSequentialLayer {
  const where = `${model.source}: layer '${layer.name}' (${layer.className})`;
  const c = layer.config, name = layer.name, w = layer.weights;
  switch (layer.className) {
    case 'Embedding': {
      const [e] = expectWeights(w, 1, where);
      const [V, E] = expectRank(e, 2, where);
      const module = new Embedding({ numEmbeddings: V, embeddingDim: E });
      module.weight.data.set(e.data);
      return { step: { kind: 'embedding', name, maskZero: c.mask_zero === true }, module };
    }
    case 'Dense':
      return denseLayer(name, c, w, false, model, where);
    case 'TimeDistributed': {
      const inner = layerSpec(c.layer, where);
      if (inner.className !== 'Dense') throw new Error(`${where}: TimeDistributed imports only around Dense, got ${inner.className}`);
      return denseLayer(name, inner.config, w, true, model, where);
    }
    case 'Masking':
      return { step: { kind: 'masking', name, maskValue: numberOption(c.mask_value, 0, where, 'mask_value') }, module: null };
    case 'Dropout':
      return { step: { kind: 'dropout', name, rate: numberOption(c.rate, 0, where, 'rate') }, module: null };
    case 'Activation':
      return { step: { kind: 'activation', name, activation: kerasActivation(c.activation, model.kerasVersion, where) }, module: null };
    case 'SimpleRNN': case 'LSTM': case 'GRU': {
      const { module, options } = recurrentLayer(layer, w, model, where);
      return { step: { kind: 'recurrent', name, ...options }, module };
    }
    case 'Bidirectional': {
      const inner = layerSpec(c.layer, where);
      const merge = MERGES[String(c.merge_mode)];
      if (!merge) throw new Error(`${where}: expected merge_mode concat, sum, mul or ave, got ${describeValue(c.merge_mode)} (a Bidirectional that returns both directions apart is not imported)`);
      if (w.length % 2 !== 0) throw new Error(`${where}: expected the two directions' weights (an even count), got ${w.length}`);
      const half = w.length / 2;
      const fwd = recurrentLayer(inner, w.slice(0, half), model, `${where} forward`);
      const bwd = recurrentLayer(inner, w.slice(half), model, `${where} backward`);
      const module = new Bidirectional(fwd.module, bwd.module, { merge });
      return { step: { kind: 'bidirectional', name, ...fwd.options }, module };
    }
    default:
      throw new Error(`${where}: unfold does not import ${layer.className} layers; it imports ${IMPORTED_LAYERS.join(', ')}`);
  }
}

function denseLayer(name: string, c: Record<string, unknown>, w: KerasWeight[], timeDistributed: boolean, model: KerasModel, where: string): KerasSequentialLayer {
  const useBias = c.use_bias !== false;
  const [k, b] = expectWeights(w, useBias ? 2 : 1, where);
  const [inF, outF] = expectRank(k, 2, where);
  const module = new Linear({ inFeatures: inF, outFeatures: outF, bias: useBias });
  module.weight.data.set(transpose2d(k.data, inF, outF));
  if (b) { expectShape(b, [outF], where); module.bias!.data.set(b.data); }
  const step: KerasStep = { kind: 'dense', name, activation: kerasActivation(c.activation, model.kerasVersion, where), timeDistributed };
  return { step, module };
}

/**
 * A Keras SimpleRNN / LSTM / GRU (the spec and its weights kernel, recurrent_kernel[, bias]) as an
 * unfold sequence module, with the options a KerasSequential runs it by.
 */
function recurrentLayer(spec: LayerSpec, w: KerasWeight[], model: KerasModel, where: string): { module: Module & SequenceModule; options: { returnSequences: boolean; goBackwards: boolean } } {
  const kind = spec.className as RecurrentKind, c = spec.config;
  if (!['SimpleRNN', 'LSTM', 'GRU'].includes(kind)) throw new Error(`${where}: expected a SimpleRNN, LSTM or GRU layer, got ${spec.className}`);
  if (c.return_state === true) throw new Error(`${where}: return_state is not imported (a Sequential model cannot use the states)`);
  if (c.time_major === true) throw new Error(`${where}: time_major layers are not imported`);
  const useBias = c.use_bias !== false;
  const [k, rk, b] = expectWeights(w, useBias ? 3 : 2, where);
  const [I, GH] = expectRank(k, 2, where);
  const G = kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1, H = GH / G;
  if (!Number.isInteger(H) || H < 1) throw new Error(`${where}: expected a kernel of shape [in, ${G}·units], got ${formatShape(k.shape)}`);
  if (typeof c.units === 'number' && c.units !== H) throw new Error(`${where}: expected units ${c.units} (from the config), got a kernel for ${H}`);
  expectShape(rk, [H, GH], where);
  const resetAfter = kind === 'GRU' && (typeof c.reset_after === 'boolean' ? c.reset_after : b !== undefined && b.shape.length === 2);
  if (b) expectShape(b, resetAfter ? [2, GH] : [GH], where);
  const activation = c.activation === undefined ? 'tanh' : kerasActivation(c.activation, model.kerasVersion, where);
  const gates = c.recurrent_activation === undefined ? 'sigmoid' : kerasActivation(c.recurrent_activation, model.kerasVersion, where);
  const regularization = { inputDropout: numberOption(c.dropout, 0, where, 'dropout'), recurrentDropout: numberOption(c.recurrent_dropout, 0, where, 'recurrent_dropout') };
  const cellConfig = { inputSize: I, hiddenSize: H, bias: useBias };
  const { module, cell } = build(kind, activation, gates, resetAfter, cellConfig, regularization);
  cell.weight_ih.data.set(kernelToUnfold(k.data, I, kind, H));
  cell.weight_hh.data.set(kernelToUnfold(rk.data, H, kind, H));
  if (b && cell.bias_ih && cell.bias_hh) {
    cell.bias_ih.data.set(biasToUnfold(b.data.subarray(0, GH), kind, H));
    cell.bias_hh.data.set(resetAfter ? biasToUnfold(b.data.subarray(GH), kind, H) : new Float32Array(GH));
  }
  return { module, options: { returnSequences: c.return_sequences === true, goBackwards: c.go_backwards === true } };
}

// unfold's own layer when the activations are its fixed ones, else a Recurrence over a Keras cell.
function build(
  kind: RecurrentKind, activation: Activation, gates: Activation, resetAfter: boolean,
  cell: { inputSize: number; hiddenSize: number; bias: boolean }, regularization: { inputDropout: number; recurrentDropout: number },
): { module: Module & SequenceModule; cell: CellBase } {
  const layer = { ...cell, ...regularization };
  if (kind === 'SimpleRNN' && (activation === 'tanh' || activation === 'relu')) {
    const m = new RNN({ ...layer, nonlinearity: activation });
    return { module: m, cell: m.cells[0][0] };
  }
  if (kind !== 'SimpleRNN' && activation === 'tanh' && gates === 'sigmoid') {
    const m = kind === 'LSTM' ? new LSTM(layer) : new GRU({ ...layer, resetAfter });
    return { module: m, cell: m.cells[0][0] };
  }
  const c = kind === 'LSTM' ? new KerasLSTMCell({ ...cell, activation, recurrentActivation: gates })
    : kind === 'GRU' ? new KerasGRUCell({ ...cell, activation, recurrentActivation: gates, resetAfter })
      : new KerasRNNCell({ ...cell, activation });
  return { module: new Recurrence(c, regularization), cell: c };
}

function expectWeights(w: KerasWeight[], n: number, where: string): KerasWeight[] {
  if (w.length !== n) throw new Error(`${where}: expected ${n} weight arrays, got ${w.length}${w.length ? ` (${w.map((x) => x.name).join(', ')})` : ''}`);
  return w;
}

function expectRank(w: KerasWeight, rank: number, where: string): number[] {
  if (w.shape.length !== rank || w.shape.some((d) => d < 1)) throw new Error(`${where}: expected weight '${w.name}' of rank ${rank}, got shape ${formatShape(w.shape)}`);
  return w.shape;
}

function expectShape(w: KerasWeight, shape: number[], where: string): void {
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${where}: expected weight '${w.name}' of shape ${formatShape(shape)}, got ${formatShape(w.shape)}`);
  }
}

function numberOption(v: unknown, fallback: number, where: string, key: string): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: expected ${key} to be a number, got ${describeValue(v)}`);
  return v;
}
