// Attention over padded source positions: the softmax that gives the positions a [B, 1, S] mask marks
// (1 where a position is padding: sequenceMask with padding, in ../tensor/sequence_mask.ts) exactly
// zero weight, by setting their scores to −∞ before normalising (exp(−∞) = 0, no gradient reaches them).

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { maskedFill } from '../autograd/ops/mask.js';
import { softmax } from '../autograd/ops/softmax.js';

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
