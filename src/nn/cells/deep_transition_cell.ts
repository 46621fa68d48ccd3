// Deep transition RNN (Pascanu et al. 2014, "How to construct deep recurrent neural networks",
// DT-RNN and DT(S)-RNN): the hidden-to-hidden step is an MLP of L layers instead of one affine map
// and a squashing function, so that a single step can compute a more complex function of the past.
// The price is a gradient path L times longer per step; the shortcut variant DT(S) adds a direct
// h_{t−1} → h_t term to the last layer so that a short path remains.

import { Tensor } from '../../tensor/tensor.js';
import { add, relu, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { uniformInit, type InitOptions } from '../init.js';
import { MAX_LAYERS, checkChoice, checkPositiveInteger } from '../config_check.js';
import { CellBase, type CellConfig, type Carry } from './cell.js';
import { registerClass } from '../registry.js';

export interface DeepTransitionCellConfig extends CellConfig {
  /** L, the layers of the transition MLP (default 2; 1 is the plain RNNCell). */
  depth?: number;
  /** DT(S): the last layer also reads h_{t−1} through weight_shortcut (default false; needs depth ≥ 2). */
  shortcut?: boolean;
  /** φ in the update below (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * z_1 = φ(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)
 * z_l = φ(z_{l−1} W_lᵀ + b_l)                              l = 2 … L − 1
 * z_L = φ(z_{L−1} W_Lᵀ + b_L [+ h_{t−1} W_sᵀ with shortcut])
 * h_t = z_L
 *
 * With depth 1 this is RNNCell exactly (same parameters, same names).
 * Inputs: x [N, inputSize] (or [inputSize]), h [N, hiddenSize] (zeros when omitted).
 * Outputs: h_t [N, hiddenSize].
 * Parameters: weight_ih [H, I], weight_hh [H, H], bias_ih [H], bias_hh [H] (the first layer, as
 * RNNCell's); weight_deep{l} [H, H] and bias_deep{l} [H] for l = 2 … L (W_l, b_l);
 * weight_shortcut [H, H] (W_s) with shortcut. All U(−1/√H, 1/√H).
 */
export class DeepTransitionCell extends CellBase {
  readonly carrySize = 1;
  readonly depth: number;
  readonly shortcut: boolean;
  readonly nonlinearity: 'tanh' | 'relu';
  /** W_l and b_l of layers 2 … L (index l − 2). */
  readonly weight_deep: readonly Tensor[];
  readonly bias_deep: readonly (Tensor | null)[];
  readonly weight_shortcut: Tensor | null;

  constructor(config: DeepTransitionCellConfig, init: InitOptions = {}) {
    super(config, 1, init);
    const depth = config.depth ?? 2;
    checkPositiveInteger('depth', depth, 'DeepTransitionCell: ', MAX_LAYERS);
    const nonlinearity = config.nonlinearity ?? 'tanh';
    checkChoice('nonlinearity', nonlinearity, ['tanh', 'relu'], 'DeepTransitionCell: ');
    const shortcut = config.shortcut ?? false;
    if (shortcut && depth < 2) throw new Error(`DeepTransitionCell: expected depth >= 2 for a shortcut (DT(S)), got depth ${depth}`);
    this.depth = depth;
    this.shortcut = shortcut;
    this.nonlinearity = nonlinearity;
    const H = this.hiddenSize, k = 1 / Math.sqrt(H);
    const deeper = Array.from({ length: depth - 1 }, (_, j) => j + 2);
    this.weight_deep = deeper.map((l) => this.registerParameter(`weight_deep${l}`, uniformInit([H, H], k, init)));
    this.bias_deep = deeper.map((l) => (this.useBias ? this.registerParameter(`bias_deep${l}`, uniformInit([H], k, init)) : null));
    this.weight_shortcut = shortcut ? this.registerParameter('weight_shortcut', uniformInit([H, H], k, init)) : null;
  }

  getConfig(): Required<DeepTransitionCellConfig> {
    return { ...this.cellConfig(), depth: this.depth, shortcut: this.shortcut, nonlinearity: this.nonlinearity };
  }

  private act(x: Tensor): Tensor {
    return this.nonlinearity === 'tanh' ? tanh(x) : relu(x);
  }

  stepProjected(xp: Tensor, [h]: Carry): Carry {
    // xp [B, H] = x_t W_ihᵀ + b_ih; h [B, H]
    let z = this.act(add(xp, linear(h, this.weight_hh, this.bias_hh)));
    this.weight_deep.forEach((w, j) => {
      let pre = linear(z, w, this.bias_deep[j]);
      if (this.weight_shortcut && j === this.weight_deep.length - 1) pre = add(pre, linear(h, this.weight_shortcut));
      z = this.act(pre);
    });
    return [z];
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.forwardHidden(x, h);
  }
}

registerClass('nn.DeepTransitionCell', DeepTransitionCell, (config, init) => new DeepTransitionCell(config, init));
