// The losses' variable-length options: one length per batch row of [T, B, …] (batchFirst: [B, T, …])
// positions, read as a 0/1 mask (tensor/sequence_mask.ts) that broadcasts over the positions. Padded
// positions neither count in the mean nor get gradient.

import type { Tensor, DType } from '../../tensor/tensor.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import { sequenceMask, type Lengths } from '../../tensor/sequence_mask.js';

/** The losses' variable-length options. */
export interface LengthOptions {
  /** Real steps per batch row (B entries in [0, T]); positions past a row's length are padding. */
  lengths?: Lengths;
  /** Positions are [B, T, …] instead of [T, B, …] (default false, like the layers). */
  batchFirst?: boolean;
}

/**
 * The mask of `lengths` over positions shaped `shape`: [T, B] ([B, T] batchFirst) then a unit axis
 * for every further axis. `who` names the loss in errors.
 */
export function positionMask(who: string, lengths: Lengths, shape: Shape, batchFirst: boolean, dtype: DType): Tensor {
  if (shape.length < 2) throw new Error(`${who}: lengths need positions shaped ${batchFirst ? '[B, T, …]' : '[T, B, …]'}, got ${formatShape(shape)}`);
  const T = batchFirst ? shape[1] : shape[0], B = batchFirst ? shape[0] : shape[1];
  if (lengths.length !== B) throw new Error(`${who}: expected ${B} lengths (one per batch row of ${formatShape(shape)}), got ${lengths.length}`);
  return sequenceMask(lengths, T, { batchFirst, trailingAxes: shape.length - 2, minLength: 0, dtype, who });
}
