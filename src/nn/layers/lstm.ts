// Multi-layer LSTM over whole sequences.

import { Tensor } from '../../tensor/tensor.js';
import type { InitOptions } from '../init.js';
import { LSTMCell } from '../cells/lstm_cell.js';
import { RecurrentLayer, type RecurrentLayerConfig, type ResolvedLayerConfig } from './recurrent_layer.js';
import type { SequenceOptions } from './step_mask.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';
import { registerClass } from '../registry.js';

export interface LSTMConfig extends RecurrentLayerConfig {
  /** Initial forget-gate bias b_if + b_hf for every layer (default: PyTorch's uniform init). */
  forgetBias?: number;
}

/**
 * Per layer and time step (gates i | f | g | o):
 *   i_t = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi)   f_t = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)
 *   g_t = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg) o_t = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho)
 *   c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                   h_t = o_t ⊙ tanh(c_t)
 *
 * Inputs: x [L, N, H_in] ([N, L, H_in] with batchFirst, or [L, H_in]); optional [h0, c0], each
 *         [D·numLayers, N, H].
 * Outputs: [output [L, N, D·H], [h_n, c_n] each [D·numLayers, N, H]].
 * Variable lengths: forward(x, state, { lengths }) with one length per row in [1, L] (or { mask },
 *         0/1 shaped [L, N], [N, L] batchFirst): padded steps keep the state and output 0, the
 *         reverse direction starts at each row's own last step, h_n holds each row's own last state.
 * Regularizers (generic path): inputDropout, recurrentDropout (one mask per sequence, Gal &
 *         Ghahramani 2016), zoneoutHidden / zoneoutCell (Krueger et al. 2017); see RecurrentRegularization.
 * Parameters: weight_ih_l{k} [4H, in], weight_hh_l{k} [4H, H], bias_ih_l{k}, bias_hh_l{k} [4H],
 *             with _reverse for the backward direction, as in PyTorch.
 */
export class LSTM extends RecurrentLayer {
  /** The forget-gate bias the layer started from (undefined: PyTorch's uniform init). */
  readonly forgetBias: number | undefined;

  constructor(config: LSTMConfig, init: InitOptions = {}) {
    super(config, (inputSize) => new LSTMCell({ inputSize, hiddenSize: config.hiddenSize, bias: config.bias, forgetBias: config.forgetBias, recurrentInit: config.recurrentInit }, init));
    this.forgetBias = config.forgetBias;
  }

  getConfig(): ResolvedLayerConfig & LSTMConfig {
    return { ...this.layerConfig(), forgetBias: this.forgetBias };
  }

  get carrySize(): number { return 2; }

  forward(x: Tensor, state?: [Tensor, Tensor] | null, options?: SequenceOptions): [Tensor, [Tensor, Tensor]] {
    const [out, [h, c]] = this.run(x, state ?? null, options);
    return [out, [h, c]];
  }

  /**
   * forward(embedding(table, ids), state, options) with the first layer's input projection folded
   * into the table: the same result, less work when the vocabulary V is smaller than T·B (see
   * RecurrentLayer.runEmbedded). table [V, inputSize]; ids [L, N] ([N, L] batchFirst).
   */
  forwardEmbedded(table: Tensor, ids: IndexTensor, state?: [Tensor, Tensor] | null, options?: SequenceOptions): [Tensor, [Tensor, Tensor]] {
    const [out, [h, c]] = this.runEmbedded(table, ids, state ?? null, options);
    return [out, [h, c]];
  }
}

registerClass('nn.LSTM', LSTM, (config, init) => new LSTM(config, init));
