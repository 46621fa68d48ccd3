// Masking over padded source positions: a [B, 1, S] mask from the source lengths (1 where a position
// is padding), and the softmax that gives those positions exactly zero weight by setting their
// scores to −∞ before normalising (exp(−∞) = 0, and no gradient reaches them).

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { DType } from '../backend/dtype.js';
import { maskedFill } from '../autograd/ops/mask.js';
import { softmax } from '../autograd/ops/softmax.js';

/**
 * mask[b, 0, s] = 1 when s ≥ lengths[b] (padding), else 0. Shape [B, 1, S], broadcasting over the
 * query axis of [B, T, S] scores. Every length must be in [1, S].
 */
export function lengthMask(lengths: ArrayLike<number>, S: number, dtype: DType = 'float32'): Tensor {
  const B = lengths.length;
  const m = new Tensor(dtype === 'float64' ? new Float64Array(B * S) : new Float32Array(B * S), [B, 1, S]);
  for (let b = 0; b < B; b++) {
    const L = lengths[b];
    if (!(Number.isInteger(L) && L >= 1 && L <= S)) throw new Error(`expected source lengths in [1, ${S}], got ${L} at row ${b}`);
    for (let s = L; s < S; s++) m.data[b * S + s] = 1;
  }
  return m;
}

/**
 * α = softmax over the last axis of scores with masked positions set to −∞:
 *   α_{b,t,s} = exp(e_{b,t,s}) / Σ_{s' unmasked} exp(e_{b,t,s'}), and 0 where mask[b, ·, s] = 1.
 * scores [B, T, S]; mask [B, 1, S] or null (no padding).
 */
export function maskedSoftmax(scores: Tensor, mask: Tensor | null): Tensor {
  if (mask === null) return softmax(scores, -1);
  const [B, , S] = scores.shape;
  if (mask.rank !== 3 || mask.shape[0] !== B || mask.shape[1] !== 1 || mask.shape[2] !== S) {
    throw new Error(`expected a mask of shape [${B}, 1, ${S}] for scores ${formatShape(scores.shape)}, got ${formatShape(mask.shape)}`);
  }
  return softmax(maskedFill(scores, mask, -Infinity), -1);
}
