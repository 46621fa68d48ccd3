// Recurrent highway network (Zilly et al. 2017): a deep transition whose L micro-steps are highway
// layers, s_l = h_l ⊙ t_l + s_{l−1} ⊙ c_l, so that every micro-step can pass its state on
// unchanged (t → 0, c → 1) and the long path through L·T layers stays trainable. The input enters
// only the first micro-step. The paper couples the carry gate to the transform gate, c = 1 − t
// (the default here); uncoupled, c has its own weights.

import { Tensor } from '../../tensor/tensor.js';
import { add, mul, sigmoid, sub, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { slice } from '../../autograd/ops/shape_ops.js';
import { uniformInit, type InitOptions } from '../init.js';
import { MAX_LAYERS, checkPositiveInteger } from '../config_check.js';
import { describeValue } from '../../tensor/describe_value.js';
import { CellBase, type CellConfig, type Carry } from './cell.js';
import { registerClass } from '../registry.js';

export interface RecurrentHighwayCellConfig extends CellConfig {
  /** L, the recurrence depth: highway micro-steps per time step (default 2). */
  depth?: number;
  /** c = 1 − t, as in the paper (default true); false gives the carry gate its own weights. */
  coupled?: boolean;
  /**
   * Initial bias of the transform gates t (default −2): negative, so that at the start every
   * micro-step mostly carries its state and gradients reach far back (Srivastava et al. 2015).
   */
  transformBias?: number;
}

/**
 * s_0 = h_{t−1}; for l = 1 … L, with x_t entering only at l = 1:
 *   ĥ_l = tanh(x_t W_Hᵀ·[l = 1] + s_{l−1} R_{H,l}ᵀ + b_{H,l})
 *   t_l = σ(x_t W_Tᵀ·[l = 1] + s_{l−1} R_{T,l}ᵀ + b_{T,l})
 *   c_l = 1 − t_l (coupled) or σ(x_t W_Cᵀ·[l = 1] + s_{l−1} R_{C,l}ᵀ + b_{C,l})
 *   s_l = ĥ_l ⊙ t_l + s_{l−1} ⊙ c_l
 * h_t = s_L.
 *
 * Inputs: x [N, inputSize] (or [inputSize]), h [N, hiddenSize] (zeros when omitted).
 * Outputs: h_t [N, hiddenSize].
 * Parameters, gate blocks in the order H | T (| C when uncoupled), G blocks of H rows:
 * weight_ih [G·H, I] (W), weight_hh [G·H, H] (R_1), bias_ih and bias_hh [G·H] (their sum is b_1),
 * and for l = 2 … L weight_deep{l} [G·H, H] (R_l) and bias_deep{l} [G·H] (b_l); U(−1/√H, 1/√H)
 * except the T blocks of bias_ih and bias_deep{l}, set to transformBias (bias_hh's T block to 0).
 */
export class RecurrentHighwayCell extends CellBase {
  readonly carrySize = 1;
  readonly depth: number;
  readonly coupled: boolean;
  readonly transformBias: number;
  /** R_l and b_l of micro-steps 2 … L (index l − 2). */
  readonly weight_deep: readonly Tensor[];
  readonly bias_deep: readonly (Tensor | null)[];

  constructor(config: RecurrentHighwayCellConfig, init: InitOptions = {}) {
    const coupled = config.coupled ?? true;
    super(config, coupled ? 2 : 3, init);
    const depth = config.depth ?? 2;
    checkPositiveInteger('depth', depth, 'RecurrentHighwayCell: ', MAX_LAYERS);
    const transformBias = config.transformBias ?? -2;
    if (typeof transformBias !== 'number' || !Number.isFinite(transformBias)) {
      throw new Error(`RecurrentHighwayCell: expected transformBias to be a finite number, got ${typeof transformBias === 'number' ? transformBias : describeValue(transformBias)}`);
    }
    this.depth = depth;
    this.coupled = coupled;
    this.transformBias = transformBias;
    const H = this.hiddenSize, G = this.gates, k = 1 / Math.sqrt(H);
    const deeper = Array.from({ length: depth - 1 }, (_, j) => j + 2);
    this.weight_deep = deeper.map((l) => this.registerParameter(`weight_deep${l}`, uniformInit([G * H, H], k, init)));
    this.bias_deep = deeper.map((l) => (this.useBias ? this.registerParameter(`bias_deep${l}`, uniformInit([G * H], k, init)) : null));
    if (this.useBias) {
      for (const b of [this.bias_ih!, ...this.bias_deep as Tensor[]]) b.data.fill(transformBias, H, 2 * H);
      this.bias_hh!.data.fill(0, H, 2 * H);
    }
  }

  /** Gate blocks per micro-step: 2 coupled (H, T), 3 uncoupled (H, T, C). */
  get gates(): number { return this.coupled ? 2 : 3; }

  getConfig(): Required<RecurrentHighwayCellConfig> {
    return { ...this.cellConfig(), depth: this.depth, coupled: this.coupled, transformBias: this.transformBias };
  }

  stepProjected(xp: Tensor, [h]: Carry): Carry {
    // xp [B, G·H] = x_t Wᵀ + b_ih; s [B, H]
    const H = this.hiddenSize;
    let s = h;
    for (let l = 0; l < this.depth; l++) {
      const r = l === 0 ? linear(s, this.weight_hh, this.bias_hh) : linear(s, this.weight_deep[l - 1], this.bias_deep[l - 1]);
      const pre = l === 0 ? add(xp, r) : r; // [B, G·H]
      const hat = tanh(slice(pre, 1, 0, H));
      const t = sigmoid(slice(pre, 1, H, 2 * H));
      // coupled: s ⊙ (1 − t) + ĥ ⊙ t = s + t ⊙ (ĥ − s), one product fewer
      s = this.coupled ? add(s, mul(t, sub(hat, s))) : add(mul(hat, t), mul(s, sigmoid(slice(pre, 1, 2 * H, 3 * H))));
    }
    return [s];
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.forwardHidden(x, h);
  }
}

registerClass('nn.RecurrentHighwayCell', RecurrentHighwayCell, (config, init) => new RecurrentHighwayCell(config, init));
