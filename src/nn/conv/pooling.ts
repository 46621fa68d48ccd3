// MaxPool2d and AvgPool2d: parameter-free pooling layers over [N, C, H, W], as torch.nn's, wrapping
// the pooling ops so that they can sit in a model next to Conv2d.

import { Tensor } from '../../tensor/tensor.js';
import { pair, type Size2 } from '../../autograd/ops/conv2d.js';
import { avgPool2d, maxPool2d } from '../../autograd/ops/pool2d.js';
import { Module } from '../module.js';
import { registerClass } from '../registry.js';

export interface MaxPool2dConfig {
  kernelSize: Size2;
  /** Default: the kernel size. */
  stride?: Size2;
  /** −∞ padding on each side, at most half the kernel. Default 0. */
  padding?: Size2;
}

export interface AvgPool2dConfig extends MaxPool2dConfig {
  /** Divide by kH·kW even where the window covers padding (default true, as PyTorch). */
  countIncludePad?: boolean;
}

interface ResolvedPool { kernelSize: [number, number]; stride: [number, number]; padding: [number, number] }

function resolve(op: string, c: MaxPool2dConfig): ResolvedPool {
  const kernelSize = pair(op, 'kernelSize', c.kernelSize, 1);
  return { kernelSize, stride: pair(op, 'stride', c.stride ?? kernelSize, 1), padding: pair(op, 'padding', c.padding ?? 0, 0) };
}

/**
 * y[n, c, p, q] = max_{i < kH, j < kW} x[n, c, p·sH − pH + i, q·sW − pW + j].
 *
 * Inputs: x [N, C, H, W]. Outputs: y [N, C, H_out, W_out], H_out = ⌊(H + 2·pH − kH) / sH⌋ + 1.
 */
export class MaxPool2d extends Module {
  readonly config: Readonly<{ kernelSize: [number, number]; stride: [number, number]; padding: [number, number] }>;

  constructor(config: MaxPool2dConfig) {
    super();
    this.config = Object.freeze(resolve('MaxPool2d', config));
  }

  getConfig(): ResolvedPool {
    const { kernelSize, stride, padding } = this.config;
    return { kernelSize: [...kernelSize], stride: [...stride], padding: [...padding] };
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.config.kernelSize, this.config);
  }
}

/**
 * y[n, c, p, q] = (1 / D) Σ_{i < kH, j < kW} x[n, c, p·sH − pH + i, q·sW − pW + j], D = kH·kW
 * (or the count of real pixels when countIncludePad is false).
 *
 * Inputs: x [N, C, H, W]. Outputs: y [N, C, H_out, W_out], H_out = ⌊(H + 2·pH − kH) / sH⌋ + 1.
 */
export class AvgPool2d extends Module {
  readonly config: Readonly<{ kernelSize: [number, number]; stride: [number, number]; padding: [number, number]; countIncludePad: boolean }>;

  constructor(config: AvgPool2dConfig) {
    super();
    this.config = Object.freeze({ ...resolve('AvgPool2d', config), countIncludePad: config.countIncludePad ?? true });
  }

  getConfig(): ResolvedPool & { countIncludePad: boolean } {
    const { kernelSize, stride, padding, countIncludePad } = this.config;
    return { kernelSize: [...kernelSize], stride: [...stride], padding: [...padding], countIncludePad };
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.config.kernelSize, this.config);
  }
}

registerClass('nn.MaxPool2d', MaxPool2d, (config) => new MaxPool2d(config));
registerClass('nn.AvgPool2d', AvgPool2d, (config) => new AvgPool2d(config));
