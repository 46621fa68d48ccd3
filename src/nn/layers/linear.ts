// Linear: the affine map y = x Wᵀ + b over the last axis.

import { Tensor } from '../../tensor/tensor.js';
import { linear } from '../../autograd/ops/matmul.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import { registerClass } from '../registry.js';

export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x Wᵀ + b.
 *
 * Inputs: x [..., inFeatures]. Outputs: y [..., outFeatures].
 * Parameters: `weight` [outFeatures, inFeatures], `bias` [outFeatures], both U(−1/√in, 1/√in).
 */
export class Linear extends Module {
  readonly config: Required<LinearConfig>;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(config: LinearConfig, init: InitOptions = {}) {
    super();
    this.config = { bias: true, ...config };
    const k = 1 / Math.sqrt(config.inFeatures);
    this.weight = this.registerParameter('weight', uniformInit([config.outFeatures, config.inFeatures], k, init));
    this.bias = this.config.bias ? this.registerParameter('bias', uniformInit([config.outFeatures], k, init)) : null;
  }

  getConfig(): Required<LinearConfig> {
    const { inFeatures, outFeatures, bias } = this.config;
    return { inFeatures, outFeatures, bias };
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

registerClass('nn.Linear', Linear, (config, init) => new Linear(config, init));
