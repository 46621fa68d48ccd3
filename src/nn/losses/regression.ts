// Losses on real-valued targets: mean squared error, and binary cross-entropy on logits in the
// stable form max(z,0) − z·y + log(1 + e^(−|z|)), which never takes the log of a rounded sigmoid.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import * as ops from '../../autograd/ops/elementwise.js';
import { sum, mean } from '../../autograd/ops/reduce.js';
import { detach } from '../../autograd/ops/copy.js';
import { broadcastTo } from '../../autograd/ops/shape_ops.js';
import type { Reduction } from '../../autograd/ops/cross_entropy.js';
import { record } from '../../autograd/record.js';
import { allocate } from '../../backend/dtype.js';

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

/** L = mean((x − y)²), over positions where mask ≠ 0 when a mask is given. */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction; mask?: Tensor } = {}): Tensor {
  checkSame('mseLoss', input, target);
  const d = ops.sub(input, target);
  return reduce(ops.mul(d, d), options.reduction ?? 'mean', options.mask);
}

/**
 * L = mean(max(z,0) − z·y + log(1 + exp(−|z|))) for logits z and targets y in [0, 1].
 * The gradient is σ(z) − y, computed directly so it is exact at z = 0 too.
 */
export function bceWithLogits(logits: Tensor, target: Tensor, options: { reduction?: Reduction; mask?: Tensor } = {}): Tensor {
  checkSame('bceWithLogits', logits, target);
  const z = logits.data, y = target.data;
  const l = allocate(logits.dtype, logits.size);
  for (let i = 0; i < l.length; i++) l[i] = Math.max(z[i], 0) - z[i] * y[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
  const elementwise = record('bceWithLogits', l, logits.shape, [logits, target], (g) => {
    const gz = allocate(logits.dtype, logits.size), gy = allocate(logits.dtype, logits.size);
    for (let i = 0; i < l.length; i++) {
      const s = z[i] >= 0 ? 1 / (1 + Math.exp(-z[i])) : Math.exp(z[i]) / (1 + Math.exp(z[i]));
      gz[i] = g[i] * (s - y[i]);
      gy[i] = -g[i] * z[i];
    }
    return [gz, gy];
  });
  return reduce(elementwise, options.reduction ?? 'mean', options.mask);
}
