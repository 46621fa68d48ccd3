// Attention (Bahdanau et al. 2015; Luong et al. 2015): a query q scores every key k_s of the encoder's
// outputs, a (masked) softmax turns the scores into weights α_s, and the context is Σ_s α_s k_s.
// What the two families share lives here; each score function is in its own file
// (additive_attention.ts, multiplicative_attention.ts). Keys are projected once per source batch
// (prepare) because a decoder asks for attention at every one of its steps over the same keys.

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { matmul } from '../autograd/ops/matmul.js';
import { reshape } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { maskedSoftmax } from './mask.js';

/** Keys with whatever the score function computes from them alone, made once per source batch. */
export interface PreparedKeys {
  /** The keys (= values) k, [B, S, keySize]. */
  readonly keys: Tensor;
  /** The key-side term of the score function, [B, S, ·] (its layout is the attention's own). */
  readonly projected: Tensor;
}

/** Context vectors and the attention weights that made them. */
export interface AttentionResult {
  /** c = Σ_s α_s k_s: [B, T, keySize] for queries [B, T, querySize], [B, keySize] for [B, querySize]. */
  context: Tensor;
  /** α: [B, T, S] (or [B, S]); each row sums to 1 and is exactly 0 at masked positions. */
  weights: Tensor;
}

/** The kinds of score function. */
export type AttentionKind = 'additive' | 'general' | 'dot';

/**
 * Base of the attention modules. Subclasses supply the key-side projection and the scores
 * e[b, t, s] = score(q_{b,t}, k_{b,s}); this class masks, normalises and takes the weighted sum:
 *   α_{b,t,·} = softmax(e_{b,t,·}) over unmasked s,     c_{b,t} = Σ_s α_{b,t,s} k_{b,s}.
 */
export abstract class Attention extends Module {
  abstract readonly kind: AttentionKind;
  readonly querySize: number;
  readonly keySize: number;

  protected constructor(querySize: number, keySize: number) {
    super();
    if (!(Number.isInteger(querySize) && querySize > 0 && Number.isInteger(keySize) && keySize > 0)) {
      throw new Error(`expected positive integer querySize and keySize, got ${querySize} and ${keySize}`);
    }
    this.querySize = querySize;
    this.keySize = keySize;
  }

  /** keys [B, S, keySize] → the key-side term, computed once and reused at every decoder step. */
  prepare(keys: Tensor): PreparedKeys {
    if (keys.rank !== 3 || keys.shape[2] !== this.keySize) {
      throw new Error(`expected keys of shape [B, S, ${this.keySize}], got ${formatShape(keys.shape)}`);
    }
    return { keys, projected: this.projectKeys(keys) };
  }

  /**
   * Attends from `query` over `keys` (raw [B, S, keySize] or prepare()'s result).
   * Inputs: query [B, T, querySize] or [B, querySize]; mask [B, 1, S] with 1 at padded source
   *         positions (sequenceMask with padding), or null.
   * Outputs: context [B, T, keySize] (or [B, keySize]) and weights [B, T, S] (or [B, S]).
   */
  forward(query: Tensor, keys: Tensor | PreparedKeys, mask: Tensor | null = null): AttentionResult {
    const prepared = keys instanceof Tensor ? this.prepare(keys) : keys;
    const [B, S] = prepared.keys.shape;
    const single = query.rank === 2;
    if ((query.rank !== 2 && query.rank !== 3) || query.shape[0] !== B || query.shape[query.rank - 1] !== this.querySize) {
      throw new Error(`expected query of shape [${B}, T, ${this.querySize}] or [${B}, ${this.querySize}], got ${formatShape(query.shape)}`);
    }
    const q = single ? reshape(query, [B, 1, this.querySize]) : query; // [B, T, Hq]
    const scores = this.scores(q, prepared); // [B, T, S]
    const weights = maskedSoftmax(scores, mask); // [B, T, S]
    const context = matmul(weights, prepared.keys); // [B, T, Hk]
    return single
      ? { context: reshape(context, [B, this.keySize]), weights: reshape(weights, [B, S]) }
      : { context, weights };
  }

  /** keys [B, S, keySize] → the key-side term of the scores. */
  protected abstract projectKeys(keys: Tensor): Tensor;

  /** q [B, T, querySize] → unnormalised scores e [B, T, S]. */
  protected abstract scores(q: Tensor, prepared: PreparedKeys): Tensor;
}
