// The recurrent stacks of unfold as ONNX subgraphs over a time-major value x [T, B, I]: a layer
// (nn.RNN / LSTM / GRU: one ONNX node per layer, both directions in one node), a cell run over time
// (nn.Recurrence: one node, forward or reverse), nn.Bidirectional (the backward part runs over the
// input reversed within each row's length, ReverseSequence, as unfold's flipSequences does) and
// nn.StackedRNN (its layers in turn, residual sums masked at padded steps). Evaluation mode: dropout
// and the other training-time regularizers are not part of the graph.

import { RecurrentLayer } from '../../nn/layers/recurrent_layer.js';
import { Recurrence } from '../../nn/wrappers/recurrence.js';
import { Bidirectional } from '../../nn/wrappers/bidirectional.js';
import { StackedRNN } from '../../nn/wrappers/stacked_rnn.js';
import type { SequenceModule } from '../../nn/wrappers/sequence_module.js';
import { attrInt, DataType } from './proto.js';
import type { Dim, GraphBuilder } from './graph_builder.js';
import { describeModule, emitRecurrentNode } from './recurrent_node.js';

/** Per-row lengths in the graph, in the two integer types ONNX's operators take them in. */
export interface GraphLengths {
  /** int32 [B] (LSTM / GRU / RNN sequence_lens). */
  int32: string;
  /** int64 [B] (ReverseSequence). */
  int64: string;
}

/** A stack's outputs: y [T, B, F] and its final carry entries, in the module's carry order. */
export interface EmittedSequence {
  y: string;
  carry: string[];
}

/** One entry of a module's carry as a graph input/output: its name stem and its shape. */
export interface CarryEntry {
  name: string;
  dims: Dim[];
}

/** The batch dimension's name in graph inputs and outputs. */
export const BATCH = 'batch';
/** The time dimension's name. */
export const TIME = 'time';

/**
 * The carry entries of a sequence module, named after where they sit (`l1_fwd_c`: the cell state of
 * layer 1's forward part); throws naming the module when ONNX export does not take it.
 */
export function carryEntries(m: SequenceModule, prefix = ''): CarryEntry[] {
  if (m instanceof RecurrentLayer) {
    const { numLayers, hiddenSize } = m.config;
    const dims = [numLayers * m.numDirections, BATCH, hiddenSize];
    return (m.carrySize === 2 ? ['h', 'c'] : ['h']).map((n) => ({ name: `${prefix}${n}`, dims }));
  }
  if (m instanceof Recurrence) {
    const dims = [BATCH, m.cell.hiddenSize];
    return (m.carrySize === 2 ? ['h', 'c'] : ['h']).map((n) => ({ name: `${prefix}${n}`, dims }));
  }
  if (m instanceof Bidirectional) return [...carryEntries(m.forwardLayer, `${prefix}fwd_`), ...carryEntries(m.backwardLayer, `${prefix}bwd_`)];
  if (m instanceof StackedRNN) return m.layers.flatMap((l, k) => carryEntries(l, `${prefix}l${k}_`));
  throw new Error(`ONNX export: expected an nn.RNN, LSTM, GRU, Recurrence, Bidirectional or StackedRNN, got ${describeModule(m)}`);
}

/**
 * Emits `m` over x [T, B, I]: `initial` holds one graph value per carry entry (null: zeros),
 * `lengths` the per-row lengths (null: every row is T long); `name` prefixes weight names.
 */
export function emitSequence(g: GraphBuilder, m: SequenceModule, x: string, initial: readonly string[] | null, lengths: GraphLengths | null, name: string): EmittedSequence {
  if (m instanceof RecurrentLayer) return emitLayer(g, m, x, initial, lengths, name);
  if (m instanceof Recurrence) {
    // The cell's carry is [B, H]; the node's is [1, B, H].
    const [h0, c0] = (initial ?? []).map((s) => g.op('Unsqueeze', [s, g.ints('axis0', [0])]));
    const out = emitRecurrentNode(g, name, [m.cell], x, { sequenceLens: lengths?.int32, initialH: h0, initialC: c0 }, m.reverse);
    const axis0 = g.ints('axis0', [0]), axis1 = g.ints('axis1', [1]);
    const carry = [out.yH, ...(out.yC ? [out.yC] : [])].map((s) => g.op('Squeeze', [s, axis0]));
    return { y: g.op('Squeeze', [out.y, axis1]), carry };
  }
  if (m instanceof Bidirectional) {
    const nf = m.forwardLayer.carrySize;
    const fwd = emitSequence(g, m.forwardLayer, x, initial ? initial.slice(0, nf) : null, lengths, `${name}.forward_layer`);
    const lens64 = lengths?.int64 ?? fullLengths(g, x);
    const flip = (v: string): string => g.op('ReverseSequence', [v, lens64], [attrInt('batch_axis', 1), attrInt('time_axis', 0)]);
    const bwd = emitSequence(g, m.backwardLayer, flip(x), initial ? initial.slice(nf) : null, lengths, `${name}.backward_layer`);
    const yb = flip(bwd.y);
    const y = m.merge === 'concat' ? g.op('Concat', [fwd.y, yb], [attrInt('axis', 2)])
      : m.merge === 'mul' ? g.op('Mul', [fwd.y, yb])
        : m.merge === 'sum' ? g.op('Add', [fwd.y, yb])
          : g.op('Mul', [g.op('Add', [fwd.y, yb]), g.weight('half', Float32Array.of(0.5), [])]);
    return { y, carry: [...fwd.carry, ...bwd.carry] };
  }
  if (m instanceof StackedRNN) {
    const carry: string[] = [];
    let seq = x, at = 0;
    m.layers.forEach((layer, k) => {
      const own = initial ? initial.slice(at, at + layer.carrySize) : null;
      at += layer.carrySize;
      const out = emitSequence(g, layer, seq, own, lengths, `${name}.layers.${k}`);
      let y = out.y;
      if (m.residualAt[k]) {
        y = g.op('Add', [y, seq]);
        // A residual sum must not bring padded inputs back into the output (unfold zeroes them too).
        if (lengths) y = g.op('Mul', [y, realSteps(g, x, lengths)]);
      }
      carry.push(...out.carry);
      seq = y;
    });
    return { y: seq, carry };
  }
  throw new Error(`ONNX export: expected an nn.RNN, LSTM, GRU, Recurrence, Bidirectional or StackedRNN, got ${describeModule(m)}`);
}

// A multi-layer nn.RNN / LSTM / GRU: one node per layer; layer l's initial states are rows
// [l·D, (l+1)·D) of h0 (and c0); the final states of all layers are stacked back in that order.
function emitLayer(g: GraphBuilder, m: RecurrentLayer, x: string, initial: readonly string[] | null, lengths: GraphLengths | null, name: string): EmittedSequence {
  const D = m.numDirections, { numLayers } = m.config;
  const finals: string[][] = [[], []];
  let seq = x;
  for (let l = 0; l < numLayers; l++) {
    const rows = (s: string): string => (numLayers === 1 ? s : g.op('Slice', [s, g.ints('start', [l * D]), g.ints('end', [(l + 1) * D]), g.ints('axis0', [0])]));
    const [h0, c0] = (initial ?? []).map(rows);
    const out = emitRecurrentNode(g, `${name}.l${l}`, m.cells[l], seq, { sequenceLens: lengths?.int32, initialH: h0, initialC: c0 });
    seq = directionsToFeatures(g, out.y, D);
    finals[0].push(out.yH);
    if (out.yC) finals[1].push(out.yC);
  }
  const stack = (parts: string[]): string => (parts.length === 1 ? parts[0] : g.op('Concat', parts, [attrInt('axis', 0)]));
  return { y: seq, carry: finals.filter((f) => f.length > 0).map(stack) };
}

/** A node's Y [T, D, B, H] → [T, B, D·H], the directions side by side (forward first), as unfold's layers give. */
export function directionsToFeatures(g: GraphBuilder, y: string, D: number): string {
  if (D === 1) return g.op('Squeeze', [y, g.ints('axis1', [1])]);
  return g.op('Reshape', [g.transpose(y, [0, 2, 1, 3]), g.ints('shape_TB_', [0, 0, -1])]);
}

// Every row's length is T: [B] int64 from x [T, B, ·]'s shape.
function fullLengths(g: GraphBuilder, x: string): string {
  const shape = g.op('Shape', [x]);
  const T = g.op('Slice', [shape, g.ints('start', [0]), g.ints('end', [1])]);
  const B = g.op('Slice', [shape, g.ints('start', [1]), g.ints('end', [2])]);
  return g.op('Expand', [T, B]);
}

// [T, B, 1] float: 1 at real steps (t < lengths[b]), 0 at padded ones.
function realSteps(g: GraphBuilder, x: string, lengths: GraphLengths): string {
  const T = g.op('Gather', [g.op('Shape', [x]), g.ints('zero', [0], [])]);
  const t = g.op('Range', [g.ints('zero', [0], []), T, g.ints('one', [1], [])]); // [T]
  const less = g.op('Less', [g.op('Unsqueeze', [t, g.ints('axis1', [1])]), g.op('Unsqueeze', [lengths.int64, g.ints('axis0', [0])])]); // [T, B]
  return g.op('Unsqueeze', [g.op('Cast', [less], [attrInt('to', DataType.FLOAT)]), g.ints('axis2', [2])]);
}
