// Cross-entropy between logits and integer targets, with PyTorch's ignore index and an optional
// mask (weights per position: 0 drops a padded step) or per-row lengths. Classes are on the last axis.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape, sameShape, sizeOf } from '../../tensor/shape.js';
import { reshape } from '../../autograd/ops/shape_ops.js';
import { softmaxCrossEntropy, type Reduction } from '../../autograd/ops/cross_entropy.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';
import { positionMask, type LengthOptions } from './length_options.js';

export interface CrossEntropyOptions extends LengthOptions {
  /** Targets equal to this value neither count nor contribute gradient (default -100, as PyTorch). */
  ignoreIndex?: number;
  /** Per-position weights shaped like the targets (1 keep, 0 drop); padded steps get 0. */
  mask?: Tensor | ArrayLike<number>;
  /** 'mean' over counted positions (default), 'sum', or 'none' (shape of the targets). */
  reduction?: Reduction;
}

/**
 * L = −Σ_i w_i log softmax(z_i)[y_i] / Σ_i w_i   (reduction 'mean'),
 * w_i = mask_i (default 1), times 0 where y_i = ignoreIndex or, with lengths, where position i =
 * (t, b, …) has t ≥ lengths[b]: the mean is over real positions only.
 *
 * Inputs: logits [..., C], targets [...] integers in [0, C) (or ignoreIndex); with lengths the
 *         targets are [T, B, …] ([B, T, …] batchFirst).
 * Outputs: a scalar, or [...] with reduction 'none'.
 */
export function crossEntropy(logits: Tensor, targets: IndexTensor, options: CrossEntropyOptions = {}): Tensor {
  const C = logits.shape[logits.rank - 1];
  const lead = logits.shape.slice(0, -1);
  const n = targets.data.length;
  if (logits.rank < 1 || !sameShape(lead, targets.shape) || sizeOf(lead) !== n) {
    throw new Error(`crossEntropy: expected targets of shape ${formatShape(lead)} for logits ${formatShape(logits.shape)}, got ${formatShape(targets.shape)}`);
  }
  const ignore = options.ignoreIndex ?? -100;
  let weights: Float64Array | null = null;
  const mask = options.mask;
  if (mask !== undefined) {
    const m = mask instanceof Tensor ? mask.data : mask;
    if (m.length !== n) throw new Error(`crossEntropy: expected a mask of ${n} entries (shape ${formatShape(targets.shape)}), got ${m.length}`);
    weights = Float64Array.from(m);
  }
  if (options.lengths !== undefined) {
    const real = positionMask('crossEntropy', options.lengths, targets.shape, options.batchFirst ?? false, 'float64').data;
    const per = n / real.length; // positions per (t, b)
    weights ??= new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) weights[i] *= real[Math.floor(i / per)];
  }
  for (let i = 0; i < n; i++) {
    if (targets.data[i] === ignore) { weights ??= new Float64Array(n).fill(1); weights[i] = 0; }
  }
  const out = softmaxCrossEntropy(reshape(logits, [n, C]), targets.data, weights, options.reduction ?? 'mean');
  return options.reduction === 'none' ? reshape(out, targets.shape) : out;
}
