// Additive ("concat") attention of Bahdanau, Cho & Bengio (2015): a one-hidden-layer network scores
// each query-key pair.

import { Tensor } from '../tensor/tensor.js';
import { add, tanh } from '../autograd/ops/elementwise.js';
import { linear } from '../autograd/ops/matmul.js';
import { reshape } from '../autograd/ops/shape_ops.js';
import { Linear } from '../nn/layers/linear.js';
import { uniformInit, type InitOptions } from '../nn/init.js';
import { Attention, type PreparedKeys } from './attention.js';
import { registerClass } from '../nn/registry.js';

export interface AdditiveAttentionConfig {
  querySize: number;
  keySize: number;
  /** Width A of the scoring layer (default querySize). */
  attentionSize?: number;
}

/**
 * e_{t,s} = vᵀ tanh(W_q q_t + W_k k_s + b),   α_t = softmax_s(e_{t,s}),   c_t = Σ_s α_{t,s} k_s.
 *
 * Inputs: query [B, T, querySize] (or [B, querySize]); keys [B, S, keySize]; mask [B, 1, S] or null.
 * Outputs: context [B, T, keySize], weights [B, T, S] (T axis dropped for a [B, querySize] query).
 * Parameters: query.weight W_q [A, querySize], key.weight W_k [A, keySize], key.bias b [A], v [A];
 *             all U(−1/√fan_in, 1/√fan_in).
 */
export class AdditiveAttention extends Attention {
  readonly kind = 'additive' as const;
  readonly attentionSize: number;
  readonly query: Linear;
  readonly key: Linear;
  readonly v: Tensor;

  constructor(config: AdditiveAttentionConfig, init: InitOptions = {}) {
    super(config.querySize, config.keySize);
    const A = config.attentionSize ?? config.querySize;
    if (!(Number.isInteger(A) && A > 0)) throw new Error(`expected a positive integer attentionSize, got ${A}`);
    this.attentionSize = A;
    this.query = this.registerModule('query', new Linear({ inFeatures: config.querySize, outFeatures: A, bias: false }, init));
    this.key = this.registerModule('key', new Linear({ inFeatures: config.keySize, outFeatures: A }, init));
    this.v = this.registerParameter('v', uniformInit([A], 1 / Math.sqrt(A), init));
  }

  getConfig(): Required<AdditiveAttentionConfig> {
    return { querySize: this.querySize, keySize: this.keySize, attentionSize: this.attentionSize };
  }

  protected projectKeys(keys: Tensor): Tensor {
    return this.key.forward(keys); // [B, S, A]
  }

  protected scores(q: Tensor, { projected }: PreparedKeys): Tensor {
    const [B, T] = q.shape, S = projected.shape[1], A = this.attentionSize;
    const qp = reshape(this.query.forward(q), [B, T, 1, A]);
    const kp = reshape(projected, [B, 1, S, A]);
    const hidden = tanh(add(qp, kp)); // [B, T, S, A]
    return reshape(linear(hidden, reshape(this.v, [1, A])), [B, T, S]);
  }
}

registerClass('seq2seq.AdditiveAttention', AdditiveAttention, (config, init) => new AdditiveAttention(config, init));
