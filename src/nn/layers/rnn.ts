// Multi-layer Elman RNN over whole sequences.

import { Tensor } from '../../tensor/tensor.js';
import type { InitOptions } from '../init.js';
import { RNNCell } from '../cells/rnn_cell.js';
import { RecurrentLayer, type RecurrentLayerConfig } from './recurrent_layer.js';
import type { SequenceOptions } from './step_mask.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';
import { registerClass } from '../registry.js';

export interface RNNConfig extends RecurrentLayerConfig {
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * h_t = f(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) per layer, f = tanh or relu; layer l > 0 takes
 * the (dropped-out) outputs of layer l − 1 as x_t.
 *
 * Inputs: x [L, N, H_in] ([N, L, H_in] with batchFirst, or [L, H_in] unbatched);
 *         h0 [D·numLayers, N, H_out] (zeros when omitted).
 * Outputs: [output [L, N, D·H_out] (batchFirst: [N, L, D·H_out]), h_n [D·numLayers, N, H_out]].
 * Variable lengths: forward(x, state, { lengths }) with one length per row in [1, L] (or { mask },
 *         0/1 shaped [L, N], [N, L] batchFirst): padded steps keep the state and output 0, the
 *         reverse direction starts at each row's own last step, h_n holds each row's own last state.
 * Regularizers (generic path): inputDropout, recurrentDropout (one mask per sequence, Gal &
 *         Ghahramani 2016), zoneoutHidden (Krueger et al. 2017); see RecurrentRegularization.
 * Parameters: weight_ih_l{k}[_reverse], weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, as in PyTorch.
 */
export class RNN extends RecurrentLayer {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(config: RNNConfig, init: InitOptions = {}) {
    super(config, (inputSize) => new RNNCell({ inputSize, hiddenSize: config.hiddenSize, bias: config.bias, nonlinearity: config.nonlinearity, recurrentInit: config.recurrentInit }, init));
    this.nonlinearity = config.nonlinearity ?? 'tanh';
  }

  getConfig(): Required<RNNConfig> {
    return { ...this.layerConfig(), nonlinearity: this.nonlinearity };
  }

  get carrySize(): number { return 1; }

  forward(x: Tensor, h0?: Tensor | null, options?: SequenceOptions): [Tensor, Tensor] {
    const [out, [h]] = this.run(x, h0 ? [h0] : null, options);
    return [out, h];
  }

  /**
   * forward(embedding(table, ids), h0, options) with the first layer's input projection folded into
   * the table: the same result, less work when the vocabulary V is smaller than T·B (see
   * RecurrentLayer.runEmbedded). table [V, inputSize]; ids [L, N] ([N, L] batchFirst).
   */
  forwardEmbedded(table: Tensor, ids: IndexTensor, h0?: Tensor | null, options?: SequenceOptions): [Tensor, Tensor] {
    const [out, [h]] = this.runEmbedded(table, ids, h0 ? [h0] : null, options);
    return [out, h];
  }
}

registerClass('nn.RNN', RNN, (config, init) => new RNN(config, init));
