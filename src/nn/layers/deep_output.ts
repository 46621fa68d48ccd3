// Deep output (Pascanu et al. 2014, DO-RNN): an MLP between the recurrent state h_t and the output,
// so that the map from state to prediction can be more complex than one affine layer without
// lengthening the recurrent path (the gradient through time never crosses it). A drop-in
// replacement for the Linear head of a language model: same input and output, more layers.

import { Tensor } from '../../tensor/tensor.js';
import { relu, tanh } from '../../autograd/ops/elementwise.js';
import { Module } from '../module.js';
import type { InitOptions } from '../init.js';
import { MAX_LAYERS, checkChoice, checkPositiveInteger } from '../config_check.js';
import { describeValue } from '../../tensor/describe_value.js';
import { formatShape } from '../../tensor/shape.js';
import { Linear } from './linear.js';
import { registerClass } from '../registry.js';

export interface DeepOutputConfig {
  inputSize: number;
  outputSize: number;
  /** Widths of the hidden layers of the MLP, h_t → … → output (default [inputSize]: one hidden layer). */
  hiddenSizes?: readonly number[];
  /** φ of the hidden layers (default 'tanh'); the last layer is affine (logits). */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * z_0 = h;  z_k = φ(z_{k−1} W_kᵀ + b_k), k = 1 … K;  y = z_K W_outᵀ + b_out,
 * K = hiddenSizes.length (K = 0 is a plain Linear).
 *
 * Inputs: h [..., inputSize]. Outputs: y [..., outputSize].
 * Parameters: layers.{k}.weight [hiddenSizes[k], previous width], layers.{k}.bias, for k = 0 … K
 * (layer K is the output layer), each U(−1/√in, 1/√in) as nn.Linear.
 */
export class DeepOutput extends Module {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly hiddenSizes: readonly number[];
  readonly nonlinearity: 'tanh' | 'relu';
  readonly layers: readonly Linear[];

  constructor(config: DeepOutputConfig, init: InitOptions = {}) {
    super();
    checkPositiveInteger('inputSize', config.inputSize, 'DeepOutput: ');
    checkPositiveInteger('outputSize', config.outputSize, 'DeepOutput: ');
    const hidden = config.hiddenSizes ?? [config.inputSize];
    if (!Array.isArray(hidden) || hidden.length > MAX_LAYERS) {
      throw new Error(`DeepOutput: expected hiddenSizes to be a list of at most ${MAX_LAYERS} widths, got ${describeValue(hidden)}`);
    }
    hidden.forEach((w, k) => checkPositiveInteger(`hiddenSizes[${k}]`, w, 'DeepOutput: '));
    this.nonlinearity = config.nonlinearity ?? 'tanh';
    checkChoice('nonlinearity', this.nonlinearity, ['tanh', 'relu'], 'DeepOutput: ');
    this.inputSize = config.inputSize;
    this.outputSize = config.outputSize;
    this.hiddenSizes = Object.freeze([...hidden]);
    const widths = [config.inputSize, ...hidden, config.outputSize];
    this.layers = widths.slice(1).map((out, k) => this.registerModule(`layers.${k}`, new Linear({ inFeatures: widths[k], outFeatures: out }, init)));
  }

  getConfig(): Required<DeepOutputConfig> & { hiddenSizes: number[] } {
    return { inputSize: this.inputSize, outputSize: this.outputSize, hiddenSizes: [...this.hiddenSizes], nonlinearity: this.nonlinearity };
  }

  forward(h: Tensor): Tensor {
    if (h.rank < 1 || h.shape[h.rank - 1] !== this.inputSize) {
      throw new Error(`DeepOutput: expected input of shape [..., ${this.inputSize}], got ${formatShape(h.shape)}`);
    }
    let z = h;
    this.layers.forEach((layer, k) => {
      z = layer.forward(z);
      if (k < this.layers.length - 1) z = this.nonlinearity === 'tanh' ? tanh(z) : relu(z);
    });
    return z;
  }
}

registerClass('nn.DeepOutput', DeepOutput, (config, init) => new DeepOutput(config, init));
