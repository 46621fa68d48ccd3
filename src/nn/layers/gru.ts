// Multi-layer GRU over whole sequences.

import { Tensor } from '../../tensor/tensor.js';
import type { InitOptions } from '../init.js';
import { GRUCell } from '../cells/gru_cell.js';
import { RecurrentLayer, type RecurrentLayerConfig } from './recurrent_layer.js';
import type { SequenceOptions } from './step_mask.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';
import { registerClass } from '../registry.js';

export interface GRUConfig extends RecurrentLayerConfig {
  /** Reset gate after the recurrent product (PyTorch, default true) or before it (Keras). */
  resetAfter?: boolean;
}

/**
 * Per layer and time step (gates r | z | n):
 *   r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)   z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
 *   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 *
 * Inputs: x [L, N, H_in] ([N, L, H_in] with batchFirst, or [L, H_in]); h0 [D·numLayers, N, H].
 * Outputs: [output [L, N, D·H], h_n [D·numLayers, N, H]].
 * Variable lengths: forward(x, state, { lengths }) with one length per row in [1, L] (or { mask },
 *         0/1 shaped [L, N], [N, L] batchFirst): padded steps keep the state and output 0, the
 *         reverse direction starts at each row's own last step, h_n holds each row's own last state.
 * Regularizers (generic path): inputDropout, recurrentDropout (one mask per sequence, Gal &
 *         Ghahramani 2016), zoneoutHidden (Krueger et al. 2017); see RecurrentRegularization.
 * Parameters: weight_ih_l{k} [3H, in], weight_hh_l{k} [3H, H], bias_ih_l{k}, bias_hh_l{k} [3H].
 */
export class GRU extends RecurrentLayer {
  readonly resetAfter: boolean;

  constructor(config: GRUConfig, init: InitOptions = {}) {
    super(config, (inputSize) => new GRUCell({ inputSize, hiddenSize: config.hiddenSize, bias: config.bias, resetAfter: config.resetAfter, recurrentInit: config.recurrentInit }, init));
    this.resetAfter = config.resetAfter ?? true;
  }

  getConfig(): Required<GRUConfig> {
    return { ...this.layerConfig(), resetAfter: this.resetAfter };
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

registerClass('nn.GRU', GRU, (config, init) => new GRU(config, init));
