// Builds an RNN / LSTM / GRU whose parameters are set by the integer formula of reference_rnn.ts
// (parameter p in state-dict order, entry k), loaded through loadStateDict, and hands back the
// same numbers as plain matrices for the reference implementation.

import { GRU, LSTM, RNN } from '../../src/nn/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import type { DType } from '../../src/backend/dtype.js';
import { gatesOf, paramValue, toMat, type CellWeights, type Kind } from '../helpers/reference_rnn.js';

export interface LayerOptions {
  numLayers?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  bias?: boolean;
  dtype?: DType;
}

export type AnyLayer = RNN | LSTM | GRU;

export function makeLayer(kind: Kind, I: number, H: number, o: LayerOptions = {}): { layer: AnyLayer; weights: CellWeights[][] } {
  const cfg = { inputSize: I, hiddenSize: H, numLayers: o.numLayers ?? 1, bidirectional: o.bidirectional ?? false, batchFirst: o.batchFirst ?? false, bias: o.bias ?? true };
  const init = { dtype: o.dtype ?? 'float64' };
  const layer: AnyLayer =
    kind === 'lstm' ? new LSTM(cfg, init)
      : kind === 'gru' ? new GRU(cfg, init)
        : kind === 'gru_reset_before' ? new GRU({ ...cfg, resetAfter: false }, init)
          : new RNN({ ...cfg, nonlinearity: kind === 'rnn_relu' ? 'relu' : 'tanh' }, init);
  const dict: Record<string, Tensor> = {};
  const values: Record<string, number[]> = {};
  Object.entries(layer.stateDict()).forEach(([name, p], pi) => {
    values[name] = Array.from({ length: p.size }, (_, k) => paramValue(pi, k));
    dict[name] = tensor(values[name], p.shape, { dtype: 'float64' });
  });
  layer.loadStateDict(dict);
  const G = gatesOf(kind), D = cfg.bidirectional ? 2 : 1;
  const weights: CellWeights[][] = [];
  for (let l = 0; l < cfg.numLayers; l++) {
    const row: CellWeights[] = [];
    for (let d = 0; d < D; d++) {
      const s = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const inSize = l === 0 ? I : D * H;
      row.push({
        wih: toMat(values[`weight_ih${s}`], G * H, inSize),
        whh: toMat(values[`weight_hh${s}`], G * H, H),
        bih: cfg.bias ? values[`bias_ih${s}`] : null,
        bhh: cfg.bias ? values[`bias_hh${s}`] : null,
      });
    }
    weights.push(row);
  }
  return { layer, weights };
}

/** Runs any of the three layers with optional initial states (one tensor per carry entry). */
export function runLayer(layer: AnyLayer, x: Tensor, init?: Tensor[]): { output: Tensor; finals: Tensor[] } {
  if (layer instanceof LSTM) {
    const [output, [h, c]] = layer.forward(x, init ? [init[0], init[1]] : undefined);
    return { output, finals: [h, c] };
  }
  const [output, h] = layer.forward(x, init ? init[0] : undefined);
  return { output, finals: [h] };
}
