// Conv2d: a learned 2-D convolution layer over [N, C, H, W] images, with PyTorch's parameter
// names, layouts and default initialisation, built on the conv2d op.

import { Tensor } from '../../tensor/tensor.js';
import { conv2d, pair, type Size2 } from '../../autograd/ops/conv2d.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import { registerClass } from '../registry.js';

export interface Conv2dConfig {
  inChannels: number;
  outChannels: number;
  kernelSize: Size2;
  /** Default 1. */
  stride?: Size2;
  /** Zeros on each side, or 'same' (stride 1, odd dilated kernel: output size = input size). Default 0. */
  padding?: Size2 | 'same';
  /** Default 1. */
  dilation?: Size2;
  /** Default 1; inChannels and outChannels must both be divisible by it. */
  groups?: number;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/**
 * 2-D convolution (cross-correlation, as torch.nn.Conv2d):
 *
 *   y[n, o] = b[o] + Σ_{c ∈ group(o)} w[o, c] ⋆ x[n, c]
 *
 * with stride, zero padding and dilation applied to the sliding window (see ops.conv2d).
 *
 * Inputs: x [N, inChannels, H, W].
 * Outputs: y [N, outChannels, H_out, W_out], H_out = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1.
 * Parameters: `weight` [outChannels, inChannels / groups, kH, kW] and `bias` [outChannels], both
 * U(−1/√fan_in, 1/√fan_in) with fan_in = (inChannels / groups)·kH·kW — PyTorch's default
 * (kaiming_uniform with a = √5 gives exactly this bound).
 */
export class Conv2d extends Module {
  readonly config: Readonly<{
    inChannels: number; outChannels: number; kernelSize: [number, number]; stride: [number, number];
    padding: [number, number]; dilation: [number, number]; groups: number; bias: boolean;
  }>;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(config: Conv2dConfig, init: InitOptions = {}) {
    super();
    const op = 'Conv2d';
    const { inChannels, outChannels } = config;
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: expected ${name} to be an integer >= 1, got ${v}`);
    }
    const groups = config.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`${op}: expected groups to divide inChannels (${inChannels}) and outChannels (${outChannels}), got ${groups}`);
    }
    const kernelSize = pair(op, 'kernelSize', config.kernelSize, 1);
    const stride = pair(op, 'stride', config.stride ?? 1, 1);
    const dilation = pair(op, 'dilation', config.dilation ?? 1, 1);
    let padding: [number, number];
    if (config.padding === 'same') {
      const span = [dilation[0] * (kernelSize[0] - 1), dilation[1] * (kernelSize[1] - 1)];
      if (stride[0] !== 1 || stride[1] !== 1 || span[0] % 2 !== 0 || span[1] % 2 !== 0) {
        throw new Error(`${op}: padding 'same' needs stride 1 and an odd dilated kernel, got kernel ${kernelSize.join('×')}, stride ${stride.join('×')}, dilation ${dilation.join('×')}`);
      }
      padding = [span[0] / 2, span[1] / 2];
    } else {
      padding = pair(op, 'padding', config.padding ?? 0, 0);
    }
    this.config = Object.freeze({ inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias: config.bias ?? true });
    const fanIn = (inChannels / groups) * kernelSize[0] * kernelSize[1];
    const k = 1 / Math.sqrt(fanIn);
    this.weight = this.registerParameter('weight', uniformInit([outChannels, inChannels / groups, kernelSize[0], kernelSize[1]], k, init));
    this.bias = this.config.bias ? this.registerParameter('bias', uniformInit([outChannels], k, init)) : null;
  }

  getConfig(): Required<Conv2dConfig> & { kernelSize: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number] } {
    const c = this.config;
    return {
      inChannels: c.inChannels, outChannels: c.outChannels, kernelSize: [...c.kernelSize], stride: [...c.stride],
      padding: [...c.padding], dilation: [...c.dilation], groups: c.groups, bias: c.bias,
    };
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.config;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }
}

registerClass('nn.Conv2d', Conv2d, (config, init) => new Conv2d(config, init));
