// Turning a convolutional feature map into what a decoder consumes: one pooled vector per image
// (the context a caption decoder starts from) or a sequence of location features (what attention
// looks at, "show, attend and tell").

import { Tensor } from '../../tensor/tensor.js';
import { mean } from '../../autograd/ops/reduce.js';
import { permute, reshape } from '../../autograd/ops/shape_ops.js';
import { formatShape } from '../../tensor/shape.js';
import { Module } from '../module.js';
import { registerClass } from '../registry.js';

function expect4d(op: string, x: Tensor): void {
  if (x.rank !== 4) throw new Error(`${op}: expected input of shape [N, C, H, W], got ${formatShape(x.shape)}`);
}

/**
 * Global average pooling: v[n, c] = (1 / (H·W)) Σ_{h, w} x[n, c, h, w]
 * (torch's AdaptiveAvgPool2d(1) followed by flatten).
 *
 * Inputs: x [N, C, H, W]. Outputs: v [N, C].
 */
export function globalAvgPool2d(x: Tensor): Tensor {
  expect4d('globalAvgPool2d', x);
  return mean(x, [2, 3]);
}

/** Module form of globalAvgPool2d. Inputs: x [N, C, H, W]. Outputs: [N, C]. */
export class GlobalAvgPool2d extends Module {
  getConfig(): Record<string, never> { return {}; }

  forward(x: Tensor): Tensor { return globalAvgPool2d(x); }
}

/**
 * The feature map as a sequence of locations in row-major order: s[n, h·W + w, c] = x[n, c, h, w].
 *
 * Inputs: x [N, C, H, W]. Outputs: s [N, H·W, C] (batch-first, ready for attention).
 */
export function spatialToSequence(x: Tensor): Tensor {
  expect4d('spatialToSequence', x);
  const [N, C, H, W] = x.shape;
  return permute(reshape(x, [N, C, H * W]), [0, 2, 1]);
}

/**
 * Flattens every axis from `startDim` on into one (torch.nn.Flatten, default startDim 1).
 *
 * Inputs: x [N, d1, …, dk]. Outputs: [N, d1·…·dk].
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1) { super(); }

  getConfig(): { startDim: number } { return { startDim: this.startDim }; }

  forward(x: Tensor): Tensor {
    if (!Number.isInteger(this.startDim) || this.startDim < 0 || this.startDim >= Math.max(x.rank, 1)) {
      throw new Error(`Flatten: expected startDim in [0, ${Math.max(x.rank - 1, 0)}] for input ${formatShape(x.shape)}, got ${this.startDim}`);
    }
    const kept = x.shape.slice(0, this.startDim);
    const rest = x.shape.slice(this.startDim).reduce((a, d) => a * d, 1);
    return reshape(x, [...kept, rest]);
  }
}

registerClass('nn.GlobalAvgPool2d', GlobalAvgPool2d, () => new GlobalAvgPool2d());
registerClass('nn.Flatten', Flatten, (config) => new Flatten(config.startDim));
