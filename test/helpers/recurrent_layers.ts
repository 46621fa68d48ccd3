// The library side of the recurrent tests: RNN / LSTM / GRU layers of each reference kind with every
// parameter set by the reference formula (paramValue of reference_rnn.ts, in state-dict order, the
// order torch_layers.py uses), the same numbers handed back as plain matrices for the reference,
// one uniform call that runs any of the three layers, and the conversions between tensors and the
// reference's plain arrays.

import { GRU, LSTM, RNN } from '../../src/nn/index.js';
import type { Module } from '../../src/nn/module.js';
import type { RecurrentLayerConfig } from '../../src/nn/layers/recurrent_layer.js';
import type { SequenceOptions } from '../../src/nn/layers/step_mask.js';
import * as ops from '../../src/autograd/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import type { DType } from '../../src/backend/dtype.js';
import { assertClose } from './tensors.js';
import { flat, gatesOf, inputValue, paramValue, toMat, type CellWeights, type Kind, type Mat, type Vec } from './reference_rnn.js';

export type AnyLayer = RNN | LSTM | GRU;

/** Sets every parameter of a module to paramValue(p, k), p its index in state-dict order. */
export function setParams(m: Module): void {
  const dict = Object.fromEntries(Object.entries(m.stateDict()).map(([name, p], pi) => [name, tensor(Array.from({ length: p.size }, (_, k) => paramValue(pi, k)), p.shape, { dtype: 'float64' })]));
  m.loadStateDict(dict);
}

/** A cell's weights (weight_ih, weight_hh, bias_ih, bias_hh tensors) as plain matrices. */
export function weightsOf(p: { weight_ih: Tensor; weight_hh: Tensor; bias_ih: Tensor | null; bias_hh: Tensor | null }): CellWeights {
  const asMat = (t: Tensor): Mat => toMat(t.data, t.shape[0], t.shape[1]);
  return { wih: asMat(p.weight_ih), whh: asMat(p.weight_hh), bih: p.bias_ih ? Array.from(p.bias_ih.data) : null, bhh: p.bias_hh ? Array.from(p.bias_hh.data) : null };
}

/**
 * A layer of `kind` (float64 unless config.dtype says otherwise) with its parameters set by
 * setParams, and its weights[layer][direction] as plain matrices for the reference.
 */
export function makeLayer(kind: Kind, config: RecurrentLayerConfig & { dtype?: DType }): { layer: AnyLayer; weights: CellWeights[][] } {
  const { dtype = 'float64', ...cfg } = config;
  const init = { dtype };
  const layer: AnyLayer =
    kind === 'lstm' ? new LSTM(cfg, init)
      : kind === 'gru' ? new GRU({ ...cfg, resetAfter: true }, init)
        : kind === 'gru_reset_before' ? new GRU({ ...cfg, resetAfter: false }, init)
          : new RNN({ ...cfg, nonlinearity: kind === 'rnn_relu' ? 'relu' : 'tanh' }, init);
  setParams(layer);
  const dict = layer.stateDict(), D = cfg.bidirectional ? 2 : 1, G = gatesOf(kind), H = cfg.hiddenSize;
  const weights: CellWeights[][] = [];
  for (let l = 0; l < (cfg.numLayers ?? 1); l++) {
    const row: CellWeights[] = [];
    for (let d = 0; d < D; d++) {
      const s = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const w = weightsOf({ weight_ih: dict[`weight_ih${s}`], weight_hh: dict[`weight_hh${s}`], bias_ih: dict[`bias_ih${s}`] ?? null, bias_hh: dict[`bias_hh${s}`] ?? null });
      if (w.wih.length !== G * H) throw new Error(`expected weight_ih${s} with ${G * H} rows for ${kind}, got ${w.wih.length}`);
      row.push(w);
    }
    weights.push(row);
  }
  return { layer, weights };
}

/** Runs any of the three layers, with optional initial states (one tensor per carry entry): output and final states. */
export function runLayer(layer: AnyLayer, x: Tensor, init?: Tensor[] | null, options?: SequenceOptions): { output: Tensor; finals: Tensor[] } {
  if (layer instanceof LSTM) {
    const [output, [h, c]] = layer.forward(x, init ? [init[0], init[1]] : null, options);
    return { output, finals: [h, c] };
  }
  const [output, h] = layer.forward(x, init ? init[0] : null, options);
  return { output, finals: [h] };
}

/** Every tensor flattened and concatenated. */
export const flatAll = (ts: Tensor[]): Tensor => ops.concat(ts.map((t) => ops.reshape(t, [-1])), 0);

/** Σ t ⊙ r for a fixed r of the same shape: a scalar that weighs every entry differently. */
export function project(t: Tensor, seed = 1): Tensor {
  const r = Array.from({ length: t.size }, (_, k) => (((k * 7 + seed * 3) % 11) - 5) / 5);
  return ops.sum(ops.mul(t, tensor(r, t.shape, { dtype: t.dtype })));
}

/** A float64 tensor from nested arrays. */
export const t64 = (v: number[] | number[][] | number[][][], requiresGrad = false): Tensor =>
  tensor(v, undefined, { dtype: 'float64', requiresGrad });

/** A float64 [T, B, I] input by inputValue, optionally requiring grad. */
export function inputTBI(T: number, B: number, I: number, grad = true): Tensor {
  return tensor(Array.from({ length: T * B * I }, (_, k) => inputValue(k)), [T, B, I], { dtype: 'float64', requiresGrad: grad });
}

/** Row b of a [T, B, F] tensor as [T][F]. */
export function rowOf(x: Tensor, b: number): Vec[] {
  const [T, B, F] = x.shape;
  return Array.from({ length: T }, (_, t) => Array.from(x.data.subarray((t * B + b) * F, (t * B + b + 1) * F)));
}

/** |actual − expected| ≤ tol element-wise over nested arrays, typed arrays or tensors' values. */
export function close(actual: ArrayLike<number> | Vec[] | Vec[][], expected: ArrayLike<number> | Vec[] | Vec[][], tol = 1e-12, what = ''): void {
  assertClose(flat(actual), flat(expected), tol, 0, what);
}
