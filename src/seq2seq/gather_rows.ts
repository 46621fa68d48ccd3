// Picking rows of a tensor by index, differentiably: the embedding lookup with the tensor itself as
// the table (the gradient scatters back and adds up). The encoder uses it to reverse each row's
// valid prefix and to read each row's state at its own last step; beam search, to reorder beams.

import { Tensor } from '../tensor/tensor.js';
import { embedding } from '../autograd/ops/gather.js';
import { reshape } from '../autograd/ops/shape_ops.js';

/** x [N, ...rest] → [idx.length, ...rest] with out[i] = x[idx[i]]. */
export function gatherRows(x: Tensor, idx: Int32Array): Tensor {
  const rest = x.shape.slice(1);
  const F = x.size / Math.max(1, x.shape[0]);
  const out = embedding(reshape(x, [x.shape[0], F]), { data: idx, shape: [idx.length] });
  return reshape(out, [idx.length, ...rest]);
}

/**
 * Index (into the flattened [B·S] rows of a [B, S, F] tensor) that reverses each row's first
 * lengths[b] positions and leaves the padding after them in place. It is its own inverse.
 */
export function reversePrefixIndex(lengths: ArrayLike<number>, S: number): Int32Array {
  const B = lengths.length;
  const idx = new Int32Array(B * S);
  for (let b = 0; b < B; b++) {
    const L = lengths[b];
    for (let s = 0; s < S; s++) idx[b * S + s] = b * S + (s < L ? L - 1 - s : s);
  }
  return idx;
}
