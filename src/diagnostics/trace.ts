// Runs a stack of recurrent cells one step at a time on the generic autograd path and keeps what
// the diagnostics need from every step: h_t of every layer (marked to keep its gradient, so that
// after a backward h_t.grad = ∂L/∂h_t) and the gate activations. The fused whole-sequence kernels
// keep neither, which is why diagnostics never use them.

import { Tensor, zeros } from '../tensor/tensor.js';
import { add } from '../autograd/ops/elementwise.js';
import { linear } from '../autograd/ops/matmul.js';
import { formatShape } from '../tensor/shape.js';
import { select, stack } from '../autograd/ops/shape_ops.js';
import { noGrad } from '../autograd/grad_mode.js';
import type { CellBase } from '../nn/cells/cell.js';
import { gateActivations, gateSpecs, type GateSpec } from './gates.js';

export interface LayerTrace {
  /** h_t for t = 0 … T−1, each [B, H], with retainGrad() set. */
  hidden: Tensor[];
  /** The layer's gates (see gateSpecs). */
  gates: GateSpec[];
  /** gateValues[g]: activations of gate g over time, [T, B, H] row-major (empty when not recorded). */
  gateValues: Float64Array[];
}

export interface TraceOptions {
  /** Record gate activations (default true). */
  gates?: boolean;
}

/**
 * Runs `cells` (layer 0 first, one direction each) over x [T, B, I] from zero carries.
 * Layer l + 1 reads layer l's h_t. Returns one trace per layer.
 */
export function traceCells(cells: readonly CellBase[], x: Tensor, options: TraceOptions = {}): LayerTrace[] {
  if (cells.length === 0) throw new Error('traceCells: expected at least one cell, got none');
  if (x.rank !== 3 || x.shape[0] < 1 || x.shape[2] !== cells[0].inputSize) {
    throw new Error(`traceCells: expected input of shape [T, B, ${cells[0].inputSize}] with T >= 1, got ${formatShape(x.shape)}`);
  }
  const [T, B] = x.shape;
  const record = options.gates ?? true;
  const traces: LayerTrace[] = [];
  let input = x; // [T, B, I] for layer 0, then [T, B, H]
  for (const cell of cells) {
    const gates = record ? gateSpecs(cell) : [];
    const xp = cell.projectInput(input); // [T, B, G·H]
    let carry = cell.initCarry(B);
    const hidden: Tensor[] = [];
    const carries: Tensor[][] = []; // carry after each step, for the gate values
    for (let t = 0; t < T; t++) {
      carry = cell.stepProjected(select(xp, 0, t), carry);
      hidden.push(carry[0].retainGrad());
      if (gates.length > 0) carries.push(carry);
    }
    const gateValues = gates.length > 0 ? noGrad(() => gateSeries(cell, xp, carries)) : [];
    traces.push({ hidden, gates, gateValues });
    input = stack(hidden, 0);
  }
  return traces;
}

/**
 * Gate activations over a whole run: the pre-activations xp + h_{t−1}·W_hhᵀ + b_hh of all steps
 * come from one matrix product once every h_t is known, rather than one small product per step.
 */
function gateSeries(cell: CellBase, xp: Tensor, carries: Tensor[][]): Float64Array[] {
  const [T, B] = xp.shape;
  const H = cell.hiddenSize;
  const hPrev = stack([zeros([B, H], { dtype: xp.dtype }), ...carries.slice(0, T - 1).map((c) => c[0])], 0); // [T, B, H]
  const pre = add(xp, linear(hPrev, cell.weight_hh, cell.bias_hh)); // [T, B, G·H]
  const next = carries[0].map((_, k) => {
    const out = new Float64Array(T * B * H);
    carries.forEach((c, t) => out.set(c[k].data, t * B * H));
    return out;
  });
  return gateActivations(cell, pre.data, next);
}

/** ‖∂L/∂h_t‖ (Frobenius over the batch) for every t, read after a backward; 0 where h_t got no gradient. */
export function hiddenGradientNorms(trace: LayerTrace): Float64Array {
  const out = new Float64Array(trace.hidden.length);
  trace.hidden.forEach((h, t) => {
    const g = h.grad?.data;
    let s = 0;
    if (g) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
    out[t] = Math.sqrt(s);
  });
  return out;
}

/** The h_t values of a trace as one row-major [T, B·H] buffer (B = 1: [T, H]). */
export function hiddenValues(trace: LayerTrace): Float64Array {
  const T = trace.hidden.length, n = trace.hidden[0].size;
  const out = new Float64Array(T * n);
  trace.hidden.forEach((h, t) => out.set(h.data, t * n));
  return out;
}
