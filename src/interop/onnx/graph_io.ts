// The inputs and outputs the exported graphs share: per-row lengths (int64, as PyTorch and ONNX
// Runtime users hold them; cast once for the recurrent nodes, which take int32), initial states
// named `<entry>0` and final states named `<entry>_n`, PyTorch's h0 / h_n.

import type { Tensor } from '../../tensor/tensor.js';
import { attrInt, DataType } from './proto.js';
import type { GraphBuilder } from './graph_builder.js';
import { BATCH, type CarryEntry, type GraphLengths } from './export_sequence.js';

/** Declares the `lengths` input, int64 [batch]. */
export function lengthsInput(g: GraphBuilder, name = 'lengths'): GraphLengths {
  const int64 = g.input(name, DataType.INT64, [BATCH]);
  return { int64, int32: g.op('Cast', [int64], [attrInt('to', DataType.INT32)]) };
}

/** Declares one float input per carry entry, `h0`, `c0`, `l1_h0`, …; returns their names. */
export function initialStateInputs(g: GraphBuilder, entries: readonly CarryEntry[]): string[] {
  return entries.map((e) => g.input(`${e.name}0`, DataType.FLOAT, e.dims));
}

/** Declares the final states as outputs, `h_n`, `c_n`, `l1_h_n`, …. */
export function finalStateOutputs(g: GraphBuilder, entries: readonly CarryEntry[], values: readonly string[]): void {
  entries.forEach((e, i) => g.output(`${e.name}_n`, values[i], DataType.FLOAT, e.dims));
}

/** x [..., in] · Wᵀ + b for a weight [out, in] and bias [out] (or null). */
export function emitLinear(g: GraphBuilder, name: string, x: string, weight: Tensor, bias: Tensor | null): string {
  const [out, inp] = weight.shape;
  const w = weight.dataSync(), wt = new Float32Array(inp * out);
  for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) wt[i * out + o] = w[o * inp + i];
  const y = g.op('MatMul', [x, g.weight(`${name}.weight_t`, wt, [inp, out])]);
  return bias ? g.op('Add', [y, g.weight(`${name}.bias`, Float32Array.from(bias.dataSync()), [out])]) : y;
}
