// Losses on real-valued targets: mean squared error, and binary cross-entropy on logits in the
// stable form max(z,0) − z·y + log(1 + e^(−|z|)), which never takes the log of a rounded sigmoid.
// Both take a mask or per-row lengths; the mean is then over real positions only.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import * as ops from '../../autograd/ops/elementwise.js';
import { sum, mean } from '../../autograd/ops/reduce.js';
import { detach } from '../../autograd/ops/copy.js';
import { broadcastTo } from '../../autograd/ops/shape_ops.js';
import type { Reduction } from '../../autograd/ops/cross_entropy.js';
import { binaryCrossEntropyWithLogits } from '../../autograd/ops/bce.js';
import { positionMask, type LengthOptions } from './length_options.js';

/** Options of the regression losses. */
export interface RegressionLossOptions extends LengthOptions {
  /** 'mean' over counted elements (default), 'sum', or 'none'. */
  reduction?: Reduction;
  /** Weights broadcasting to the input (1 keep, 0 drop). */
  mask?: Tensor;
}

// The mask of the options, from `mask` or from `lengths` (not both).
function maskOf(who: string, input: Tensor, options: RegressionLossOptions): Tensor | undefined {
  if (options.lengths === undefined) return options.mask;
  if (options.mask !== undefined) throw new Error(`${who}: expected either mask or lengths, got both`);
  return positionMask(who, options.lengths, input.shape, options.batchFirst ?? false, input.dtype);
}

function reduce(x: Tensor, reduction: Reduction, mask?: Tensor): Tensor {
  if (mask) {
    const masked = ops.mul(x, mask);
    if (reduction === 'none') return masked;
    return reduction === 'sum' ? sum(masked) : ops.div(sum(masked), detach(sum(broadcastTo(mask, masked.shape))));
  }
  if (reduction === 'none') return x;
  return reduction === 'sum' ? sum(x) : mean(x);
}

function checkSame(name: string, input: Tensor, target: Tensor): void {
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(`${name}: expected target of shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}`);
  }
}

/**
 * L = Σ_i m_i (x_i − y_i)² / Σ_i m_i (m = 1 without mask or lengths; with lengths, m is 1 at
 * positions (t, b, …) with t < lengths[b], positions [T, B, …] or [B, T, …] batchFirst).
 *
 * Inputs: input and target of the same shape. Outputs: a scalar, or the input's shape with 'none'.
 */
export function mseLoss(input: Tensor, target: Tensor, options: RegressionLossOptions = {}): Tensor {
  checkSame('mseLoss', input, target);
  const d = ops.sub(input, target);
  return reduce(ops.mul(d, d), options.reduction ?? 'mean', maskOf('mseLoss', input, options));
}

/**
 * L = mean(max(z,0) − z·y + log(1 + exp(−|z|))) for logits z and targets y in [0, 1].
 * The gradient is σ(z) − y, computed directly so it is exact at z = 0 too.
 */
export function bceWithLogits(logits: Tensor, target: Tensor, options: RegressionLossOptions = {}): Tensor {
  checkSame('bceWithLogits', logits, target);
  return reduce(binaryCrossEntropyWithLogits(logits, target), options.reduction ?? 'mean', maskOf('bceWithLogits', logits, options));
}
