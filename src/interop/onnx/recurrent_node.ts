// One ONNX LSTM / GRU / RNN node from unfold cells: one cell (forward or reverse) or two (the
// directions of a bidirectional layer). Weights go from PyTorch's gate order to ONNX's
// (gate_order.ts); PyTorch's GRU (reset after the recurrent product) is linear_before_reset = 1,
// Keras' reset-before GRU is 0; a relu RNN names its activation.

import { Module } from '../../nn/module.js';
import { CellBase } from '../../nn/cells/cell.js';
import { LSTMCell } from '../../nn/cells/lstm_cell.js';
import { GRUCell } from '../../nn/cells/gru_cell.js';
import { RNNCell } from '../../nn/cells/rnn_cell.js';
import { classNameOf } from '../../nn/registry.js';
import { GATES, torchToOnnxGates, type RecurrentKind } from './gate_order.js';
import { attrInt, attrString, attrStrings, type OnnxTypes } from './proto.js';
import type { GraphBuilder } from './graph_builder.js';

/** What decides a cell's ONNX node besides its weights. */
export interface CellForm {
  kind: RecurrentKind;
  inputSize: number;
  hiddenSize: number;
  bias: boolean;
  /** RNN: 'Tanh' or 'Relu'. */
  activation: string;
  /** GRU: 1 for PyTorch's reset-after form, 0 for reset-before. */
  linearBeforeReset: number;
}

/** The form of a cell ONNX has a node for; throws naming the cell otherwise. */
export function cellForm(cell: object): CellForm & { cell: CellBase } {
  if (!(cell instanceof LSTMCell || cell instanceof GRUCell || cell instanceof RNNCell)) {
    throw new Error(`ONNX export: expected an LSTM, GRU or RNN cell (ONNX has nodes for these), got ${describeModule(cell)}`);
  }
  const kind: RecurrentKind = cell instanceof LSTMCell ? 'lstm' : cell instanceof GRUCell ? 'gru' : 'rnn';
  return {
    cell, kind, inputSize: cell.inputSize, hiddenSize: cell.hiddenSize, bias: cell.bias_ih !== null,
    activation: cell instanceof RNNCell && cell.nonlinearity === 'relu' ? 'Relu' : 'Tanh',
    linearBeforeReset: cell instanceof GRUCell && !cell.resetAfter ? 0 : 1,
  };
}

/** The node's optional inputs (names of values in the graph, or null). */
export interface RecurrentNodeInputs {
  /** int32 lengths [B]. */
  sequenceLens?: string | null;
  /** [D, B, H]. */
  initialH?: string | null;
  /** [D, B, H] (LSTM). */
  initialC?: string | null;
}

/** The node's outputs: Y [T, D, B, H], Y_h [D, B, H] and (LSTM) Y_c [D, B, H]. */
export interface RecurrentNodeOutputs {
  y: string;
  yH: string;
  yC: string | null;
}

/**
 * Emits the node over x [T, B, I]: `cells` is [forward] (reverse: true runs it backward in time)
 * or [forward, backward] for a bidirectional node; `name` prefixes the weights' names.
 */
export function emitRecurrentNode(g: GraphBuilder, name: string, cells: readonly object[], x: string, inputs: RecurrentNodeInputs = {}, reverse = false): RecurrentNodeOutputs {
  const forms = cells.map(cellForm);
  const f = forms[0];
  for (const o of forms.slice(1)) {
    if (o.kind !== f.kind || o.inputSize !== f.inputSize || o.hiddenSize !== f.hiddenSize || o.bias !== f.bias
      || o.activation !== f.activation || o.linearBeforeReset !== f.linearBeforeReset) {
      throw new Error(`ONNX export: expected the two directions of a bidirectional layer to be alike, got ${describeForm(f)} and ${describeForm(o)}`);
    }
  }
  const { kind, inputSize: I, hiddenSize: H } = f;
  const D = forms.length, G = GATES[kind];
  const W = new Float32Array(D * G * H * I), R = new Float32Array(D * G * H * H), B = new Float32Array(D * 2 * G * H);
  forms.forEach(({ cell }, d) => {
    W.set(torchToOnnxGates(kind, cell.weight_ih.dataSync(), H, I), d * G * H * I);
    R.set(torchToOnnxGates(kind, cell.weight_hh.dataSync(), H, H), d * G * H * H);
    if (cell.bias_ih && cell.bias_hh) {
      B.set(torchToOnnxGates(kind, cell.bias_ih.dataSync(), H), d * 2 * G * H);
      B.set(torchToOnnxGates(kind, cell.bias_hh.dataSync(), H), d * 2 * G * H + G * H);
    }
  });
  const w = g.weight(`${name}.W`, W, [D, G * H, I]);
  const r = g.weight(`${name}.R`, R, [D, G * H, H]);
  const b = f.bias ? g.weight(`${name}.B`, B, [D, 2 * G * H]) : '';
  const attrs: OnnxTypes.IAttributeProto[] = [
    attrInt('hidden_size', H),
    attrString('direction', D === 2 ? 'bidirectional' : reverse ? 'reverse' : 'forward'),
  ];
  if (kind === 'gru') attrs.push(attrInt('linear_before_reset', f.linearBeforeReset));
  if (kind === 'rnn') attrs.push(attrStrings('activations', Array.from({ length: D }, () => f.activation)));
  const ins = [x, w, r, b, inputs.sequenceLens ?? '', inputs.initialH ?? ''];
  if (kind === 'lstm') ins.push(inputs.initialC ?? '');
  while (ins[ins.length - 1] === '') ins.pop();
  const outs = g.node(kind.toUpperCase(), ins, attrs, kind === 'lstm' ? 3 : 2);
  return { y: outs[0], yH: outs[1], yC: kind === 'lstm' ? outs[2] : null };
}

function describeForm(f: CellForm): string {
  const extra = f.kind === 'rnn' ? ` ${f.activation}` : f.kind === 'gru' ? ` linear_before_reset=${f.linearBeforeReset}` : '';
  return `${f.kind.toUpperCase()} ${f.inputSize}→${f.hiddenSize}${f.bias ? '' : ' without bias'}${extra}`;
}

/** A module's registered class name for messages ('a plain object' for a cell that is not a Module). */
export function describeModule(m: object): string {
  if (!(m instanceof Module)) return 'a plain object';
  try { return classNameOf(m); } catch { return `an unregistered ${m.constructor.name || 'class'}`; }
}
