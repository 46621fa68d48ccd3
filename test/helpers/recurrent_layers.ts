// Builders shared by the layer tests: RNN / LSTM / GRU layers of each kind with weights set by the
// reference formula, run through one uniform call, and a flattening of everything a layer returns.

import { RNN } from '../../src/nn/layers/rnn.js';
import { LSTM } from '../../src/nn/layers/lstm.js';
import { GRU } from '../../src/nn/layers/gru.js';
import * as ops from '../../src/autograd/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import type { RecurrentLayerConfig } from '../../src/nn/layers/recurrent_layer.js';
import type { SequenceOptions } from '../../src/nn/layers/step_mask.js';
import { setParams, type Kind } from './reference_layers.js';

export type AnyLayer = RNN | LSTM | GRU;

export function makeLayer(kind: Kind, config: RecurrentLayerConfig): AnyLayer {
  const init = { dtype: 'float64' as const };
  const layer = kind === 'lstm' ? new LSTM(config, init)
    : kind === 'rnn' ? new RNN(config, init)
      : new GRU({ ...config, resetAfter: kind === 'gru' }, init);
  setParams(layer);
  return layer;
}

/** Runs any of the three layers: output and the final state tensors. */
export function run(layer: AnyLayer, x: Tensor, init: Tensor[] | null = null, options?: SequenceOptions): { output: Tensor; finals: Tensor[] } {
  if (layer instanceof LSTM) {
    const [output, [h, c]] = layer.forward(x, init ? [init[0], init[1]] : null, options);
    return { output, finals: [h, c] };
  }
  const [output, h] = layer.forward(x, init ? init[0] : null, options);
  return { output, finals: [h] };
}

export const flatAll = (ts: Tensor[]): Tensor => ops.concat(ts.map((t) => ops.reshape(t, [-1])), 0);

/** Σ t ⊙ r for a fixed r of the same shape: a scalar that weighs every entry differently. */
export function project(t: Tensor, seed = 1): Tensor {
  const r = Array.from({ length: t.size }, (_, k) => (((k * 7 + seed * 3) % 11) - 5) / 5);
  return ops.sum(ops.mul(t, tensor(r, t.shape, { dtype: t.dtype })));
}
