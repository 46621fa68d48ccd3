// Multiplicative attention of Luong, Pham & Manning (2015): the "general" score qᵀ W k, a bilinear
// form, and its parameter-free special case "dot", qᵀ k.

import { Tensor } from '../tensor/tensor.js';
import { linear, matmul } from '../autograd/ops/matmul.js';
import { transpose } from '../autograd/ops/shape_ops.js';
import { uniformInit, type InitOptions } from '../nn/init.js';
import { Attention, type PreparedKeys } from './attention.js';
import { registerClass } from '../nn/registry.js';

export interface MultiplicativeAttentionConfig {
  querySize: number;
  keySize: number;
  /** 'general' (qᵀ W k, default) or 'dot' (qᵀ k; needs querySize = keySize). */
  form?: 'general' | 'dot';
}

/**
 * general: e_{t,s} = q_tᵀ W k_s       dot: e_{t,s} = q_tᵀ k_s
 * α_t = softmax_s(e_{t,s}),   c_t = Σ_s α_{t,s} k_s.
 *
 * Inputs: query [B, T, querySize] (or [B, querySize]); keys [B, S, keySize]; mask [B, 1, S] or null.
 * Outputs: context [B, T, keySize], weights [B, T, S] (T axis dropped for a [B, querySize] query).
 * Parameters (general only): weight W [querySize, keySize], U(−1/√keySize, 1/√keySize).
 */
export class MultiplicativeAttention extends Attention {
  readonly kind: 'general' | 'dot';
  readonly weight: Tensor | null;

  constructor(config: MultiplicativeAttentionConfig, init: InitOptions = {}) {
    super(config.querySize, config.keySize);
    this.kind = config.form ?? 'general';
    if (this.kind !== 'general' && this.kind !== 'dot') throw new Error(`expected form 'general' or 'dot', got '${String(this.kind)}'`);
    if (this.kind === 'dot' && config.querySize !== config.keySize) {
      throw new Error(`dot attention: expected querySize = keySize, got ${config.querySize} and ${config.keySize}`);
    }
    this.weight = this.kind === 'general'
      ? this.registerParameter('weight', uniformInit([config.querySize, config.keySize], 1 / Math.sqrt(config.keySize), init))
      : null;
  }

  getConfig(): Required<MultiplicativeAttentionConfig> {
    return { querySize: this.querySize, keySize: this.keySize, form: this.kind };
  }

  protected projectKeys(keys: Tensor): Tensor {
    // (W k_s) for every s, transposed to [B, querySize, S] so that scores are one batched product.
    const wk = this.weight ? linear(keys, this.weight) : keys; // [B, S, Hq]
    return transpose(wk, 1, 2);
  }

  protected scores(q: Tensor, { projected }: PreparedKeys): Tensor {
    return matmul(q, projected); // [B, T, Hq] · [B, Hq, S] → [B, T, S]
  }
}

registerClass('seq2seq.MultiplicativeAttention', MultiplicativeAttention, (config, init) => new MultiplicativeAttention(config, init));
