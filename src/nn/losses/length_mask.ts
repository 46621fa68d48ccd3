// Losses over padded batches: the positions of a [T, B, …] (batchFirst: [B, T, …]) tensor that are
// real given one length per batch row, as the weights the masked losses take. Padded positions
// neither count in the mean nor get gradient.

import { Tensor, zeros, type DType } from '../../tensor/tensor.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import type { Lengths } from '../layers/step_mask.js';

/** The losses' variable-length options. */
export interface LengthOptions {
  /** Real steps per batch row (B entries in [1, T]); positions past a row's length are padding. */
  lengths?: Lengths;
  /** Positions are [B, T, …] instead of [T, B, …] (default false, like the layers). */
  batchFirst?: boolean;
}

/**
 * A 0/1 tensor shaped [T, B] ([B, T] batchFirst) followed by ones for every further axis of `shape`,
 * so that it broadcasts over `shape`. `who` names the loss in errors.
 */
export function lengthMask(who: string, lengths: Lengths, shape: Shape, batchFirst: boolean, dtype: DType): Tensor {
  if (shape.length < 2) throw new Error(`${who}: lengths need positions shaped ${batchFirst ? '[B, T, …]' : '[T, B, …]'}, got ${formatShape(shape)}`);
  const T = batchFirst ? shape[1] : shape[0], B = batchFirst ? shape[0] : shape[1];
  if (lengths.length !== B) throw new Error(`${who}: expected ${B} lengths (one per batch row of ${formatShape(shape)}), got ${lengths.length}`);
  const mask = zeros([shape[0], shape[1], ...shape.slice(2).map(() => 1)], { dtype }), m = mask.data;
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    if (!(Number.isInteger(len) && len >= 0 && len <= T)) throw new Error(`${who}: expected lengths to be integers in [0, ${T}], got ${len} for batch row ${b}`);
    for (let t = 0; t < len; t++) m[batchFirst ? b * T + t : t * B + b] = 1;
  }
  return mask;
}
