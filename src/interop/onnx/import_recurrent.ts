// An ONNX LSTM / GRU / RNN node read back as unfold weights: W, R, B turned from ONNX's gate order to
// PyTorch's (gate_order.ts), its attributes checked against what unfold's layers compute (the
// default activations; a relu RNN; a GRU's linear_before_reset picks the reset-after or reset-before
// form), where its input comes from, and where its initial states and lengths come from.

import { GATES, onnxToTorchGates, type RecurrentKind } from './gate_order.js';
import { fail, isZeroTensor, type OpContext } from './import_layout_ops.js';
import { describeAxes, describeValueKind, type Axis, type Value } from './import_values.js';
import type { ConstTensor } from './tensor_proto.js';

/** One direction's weights in PyTorch's layout and gate order. */
export interface ImportedDirection {
  weightIh: Float32Array; // [G·H, I]
  weightHh: Float32Array; // [G·H, H]
  biasIh: Float32Array; // [G·H]
  biasHh: Float32Array; // [G·H]
}

/** Where a node's initial state comes from: rows [from, to) of a graph input. */
export interface StateSource {
  input: string;
  rows: [number, number];
}

/** A recurrent node as unfold sees it. */
export interface ImportedRecurrentNode {
  label: string;
  kind: RecurrentKind;
  inputSize: number;
  hiddenSize: number;
  directions: 1 | 2;
  /** Whether the node has a B input (false: biases are 0, and the unfold layer has none). */
  bias: boolean;
  /** RNN only. */
  nonlinearity: 'tanh' | 'relu';
  /** GRU only: linear_before_reset = 1 (PyTorch's form). */
  resetAfter: boolean;
  /** [forward] or [forward, backward]. */
  weights: ImportedDirection[];
  initialH: StateSource | null;
  initialC: StateSource | null;
  /** The graph input holding the per-row lengths (sequence_lens), or null. */
  lengths: string | null;
}

const DEFAULT_ACTIVATIONS: Readonly<Record<RecurrentKind, readonly string[]>> = {
  lstm: ['sigmoid', 'tanh', 'tanh'], gru: ['sigmoid', 'tanh'], rnn: ['tanh'],
};

/**
 * Reads recurrent node number `index` (LSTM, GRU or RNN): inputs X, W, R, B, sequence_lens,
 * initial_h, initial_c, P. X must be a graph input or its embedding (the first node) or the output
 * sequence of node index − 1. Returns the node and its outputs Y, Y_h (and Y_c).
 */
export function readRecurrentNode(c: OpContext, index: number, previous: ImportedRecurrentNode | null): { node: ImportedRecurrentNode; outputs: Value[] } {
  const kind = c.op.toLowerCase() as RecurrentKind;
  const G = GATES[kind];
  const [x, w, r, b, lens, h0, c0, p] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => c.inputs[i] ?? null);
  for (const name of ['clip', 'activation_alpha', 'activation_beta']) {
    if (c.attrs.has(name)) fail(c, `no ${name} attribute (unfold's cells have none)`, `${name} = ${String(c.attrs.get(name))}`);
  }
  if (kind === 'lstm' && Number(c.attrs.get('input_forget') ?? 0) !== 0) fail(c, 'input_forget = 0 (unfold\'s LSTM has separate input and forget gates)', `input_forget = ${String(c.attrs.get('input_forget'))}`);
  if (p !== null && !(p.kind === 'zeros' || (p.kind === 'const' && isZeroTensor(p.t)))) fail(c, 'no peephole weights P (unfold\'s LSTM has none)', describeValueKind(p));
  const direction = String(c.attrs.get('direction') ?? 'forward');
  if (direction !== 'forward' && direction !== 'bidirectional') {
    fail(c, 'direction forward or bidirectional (a layer of unfold runs forward, or both ways)', `direction ${direction}`);
  }
  const D = direction === 'bidirectional' ? 2 : 1;
  const layout = Number(c.attrs.get('layout') ?? 0);
  if (layout !== 0 && layout !== 1) fail(c, 'layout 0 or 1', `layout ${layout}`);
  const W = weight(c, w, 'W'), R = weight(c, r, 'R');
  const H = Number(c.attrs.get('hidden_size') ?? R.dims[2]);
  const I = W.dims[2];
  if (W.dims.length !== 3 || W.dims[0] !== D || W.dims[1] !== G * H) fail(c, `W of shape [${D}, ${G * H}, I]`, `[${W.dims.join(', ')}]`);
  if (R.dims.length !== 3 || R.dims[0] !== D || R.dims[1] !== G * H || R.dims[2] !== H) fail(c, `R of shape [${D}, ${G * H}, ${H}]`, `[${R.dims.join(', ')}]`);
  const B = b === null ? null : weight(c, b, 'B');
  if (B && (B.dims.length !== 2 || B.dims[0] !== D || B.dims[1] !== 2 * G * H)) fail(c, `B of shape [${D}, ${2 * G * H}]`, `[${B.dims.join(', ')}]`);
  const activations = ((c.attrs.get('activations') as string[] | undefined) ?? []).map((a) => a.toLowerCase());
  let nonlinearity: 'tanh' | 'relu' = 'tanh';
  if (activations.length > 0) {
    const per = activations.length / D;
    const first = activations.slice(0, per);
    const ok = Number.isInteger(per) && activations.every((a, i) => a === first[i % per]);
    if (kind === 'rnn' && ok && per === 1 && (first[0] === 'tanh' || first[0] === 'relu')) nonlinearity = first[0];
    else if (!ok || first.join() !== DEFAULT_ACTIVATIONS[kind].join()) {
      fail(c, `activations ${kind === 'rnn' ? 'Tanh or Relu' : DEFAULT_ACTIVATIONS[kind].join(', ')} in each direction`, `[${activations.join(', ')}]`);
    }
  }
  const lbr = Number(c.attrs.get('linear_before_reset') ?? 0);
  const weights: ImportedDirection[] = [];
  for (let d = 0; d < D; d++) {
    const bias = (k: number): Float32Array => (B ? onnxToTorchGates(kind, B.data.slice((2 * d + k) * G * H, (2 * d + k + 1) * G * H), H) : new Float32Array(G * H));
    weights.push({
      weightIh: onnxToTorchGates(kind, W.data.slice(d * G * H * I, (d + 1) * G * H * I), H, I),
      weightHh: onnxToTorchGates(kind, R.data.slice(d * G * H * H, (d + 1) * G * H * H), H, H),
      biasIh: bias(0), biasHh: bias(1),
    });
  }
  // Axes: layout 0 is X [T, B, I], Y [T, D, B, H], states [D, B, H]; layout 1 puts the batch first.
  const xv = sequenceInput(c, x, index, previous, I);
  const [tAxis, bAxis] = layout === 0 ? [xv.axes[0], xv.axes[1]] : [xv.axes[1], xv.axes[0]];
  if (!c.roles.bind(tAxis, 'T') || !c.roles.bind(bAxis, 'B')) {
    fail(c, `an input X of axes ${layout === 0 ? '[T, B, F]' : '[B, T, F]'} (layout ${layout})`, describeAxes(xv.axes, c.roles));
  }
  const dAxis: Axis = { role: 'D', size: D }, hAxis: Axis = { role: 'H', size: H };
  const stateAxes = layout === 0 ? [dAxis, bAxis, hAxis] : [bAxis, dAxis, hAxis];
  const node: ImportedRecurrentNode = {
    label: `${c.op} node ${index}`, kind, inputSize: I, hiddenSize: H, directions: D as 1 | 2, bias: B !== null, nonlinearity,
    resetAfter: lbr === 1, weights,
    initialH: stateInput(c, h0, 'initial_h', layout, D, H),
    initialC: kind === 'lstm' ? stateInput(c, c0, 'initial_c', layout, D, H) : null,
    lengths: lengthsInput(c, lens),
  };
  const y: Value = { kind: 'data', src: { what: 'sequence', node: index, readout: 'all' }, axes: layout === 0 ? [tAxis, dAxis, bAxis, hAxis] : [bAxis, tAxis, dAxis, hAxis] };
  const states = (which: 'h' | 'c'): Value => ({ kind: 'data', src: { what: 'states', which, nodes: [index] }, axes: stateAxes });
  return { node, outputs: kind === 'lstm' ? [y, states('h'), states('c')] : [y, states('h')] };
}

function weight(c: OpContext, v: Value | null, name: string): ConstTensor & { data: Float32Array } {
  if (v === null || v.kind !== 'const' || !v.t.float) fail(c, `${name} to be an initializer of float weights`, v === null ? 'none' : describeValueKind(v));
  return v.t as ConstTensor & { data: Float32Array };
}

// X: a float graph input or its embedding for the first node, the previous node's whole output
// sequence (directions side by side) for the others.
function sequenceInput(c: OpContext, x: Value | null, index: number, previous: ImportedRecurrentNode | null, I: number): { axes: readonly Axis[] } {
  if (x === null || x.kind !== 'data' || x.axes.length !== 3) return fail(c, 'an input X of rank 3', x === null ? 'none' : describeValueKind(x));
  const src = x.src;
  const feature = x.axes[2];
  if (feature.size !== null && feature.size !== I) fail(c, `an input X with ${I} features (W's width)`, describeAxes(x.axes, c.roles));
  if (previous === null) {
    if (!((src.what === 'input' && !src.integer) || src.what === 'embedded')) fail(c, 'the first recurrent node to read a float graph input or an embedding', describeValueKind(x));
    if (!c.roles.bind(feature, 'F')) fail(c, 'an input X with features last', describeAxes(x.axes, c.roles));
    return x;
  }
  if (src.what !== 'sequence' || src.node !== index - 1 || src.readout !== 'all') {
    fail(c, `recurrent node ${index} to read the output sequence of node ${index - 1}`, describeValueKind(x));
  }
  const role = c.roles.of(feature);
  if (!(role === 'F' || (role === 'H' && previous.directions === 1))) {
    fail(c, `node ${index - 1}'s directions side by side as features (Transpose to [T, B, D, H], then Reshape)`, describeAxes(x.axes, c.roles));
  }
  return x;
}

// initial_h / initial_c: none, zeros, or rows of a float graph input laid out as the node's states.
function stateInput(c: OpContext, v: Value | null, what: string, layout: number, D: number, H: number): StateSource | null {
  if (v === null || v.kind === 'zeros' || (v.kind === 'const' && isZeroTensor(v.t))) return null;
  if (v.kind !== 'data' || v.src.what !== 'input' || v.src.integer || v.axes.length !== 3) {
    return fail(c, `${what} to be zeros or a float graph input of rank 3`, describeValueKind(v));
  }
  const [rowsAxis, bAxis] = layout === 0 ? [v.axes[0], v.axes[1]] : [v.axes[1], v.axes[0]];
  const hAxis = v.axes[2];
  if (rowsAxis.size !== D || hAxis.size !== H || !c.roles.bind(bAxis, 'B')) {
    fail(c, `${what} of axes ${layout === 0 ? `[${D}, B, ${H}]` : `[B, ${D}, ${H}]`}`, `${describeValueKind(v)} of axes ${describeAxes(v.axes, c.roles)}`);
  }
  return { input: v.src.name, rows: [rowsAxis.rows?.[0] ?? 0, (rowsAxis.rows?.[0] ?? 0) + D] };
}

function lengthsInput(c: OpContext, v: Value | null): string | null {
  if (v === null) return null;
  if (v.kind !== 'data' || v.src.what !== 'input' || !v.src.integer || v.axes.length !== 1 || !c.roles.bind(v.axes[0], 'B')) {
    return fail(c, 'sequence_lens to be an integer graph input of shape [B]', describeValueKind(v));
  }
  return v.src.name;
}
