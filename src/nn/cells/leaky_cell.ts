// Leaky-integrator recurrent units: each unit keeps a fraction α of its previous value and mixes in
// (1 − α) of a plain RNN update, so that units with α near 1 change slowly and remember for about
// τ = 1 / (1 − α) steps. α is fixed per unit or learned through a sigmoid, and by default spread so
// that the time constants span 1 … τ_max geometrically (several time scales in one layer).

import { Tensor, tensor } from '../../tensor/tensor.js';
import { add, mul, relu, sigmoid, sub, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import type { InitOptions } from '../init.js';
import { CellBase, type CellConfig, type Carry } from './cell.js';
import { registerClass } from '../registry.js';

export interface LeakyRNNCellConfig extends CellConfig {
  /** f in the update below (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
  /**
   * Fixed leak α: one value for every unit or one per unit, each in [0, 1]. When omitted, α comes
   * from multiTimescaleAlpha(hiddenSize, maxTimescale).
   */
  alpha?: number | readonly number[];
  /** τ_max of the multi-time-scale initialisation, ≥ 1 (default 10); ignored when alpha is given. */
  maxTimescale?: number;
  /**
   * Learn α = σ(a) per unit, with a initialised to logit(α₀) (α₀ clipped to [0.001, 0.999] so the
   * logit is finite) (default false: α stays fixed).
   */
  learnAlpha?: boolean;
}

/**
 * α_k = 1 − 1/τ_k with τ_k = τ_max^(k/(H−1)), k = 0 … H−1: time constants from 1 (α = 0, a plain
 * RNN unit) to τ_max, spaced geometrically. With H = 1 the single unit gets τ = 1.
 */
export function multiTimescaleAlpha(hiddenSize: number, maxTimescale: number): number[] {
  if (!(Number.isInteger(hiddenSize) && hiddenSize > 0)) throw new Error(`expected a positive integer hiddenSize, got ${hiddenSize}`);
  if (!(maxTimescale >= 1 && Number.isFinite(maxTimescale))) throw new Error(`expected maxTimescale >= 1, got ${maxTimescale}`);
  return Array.from({ length: hiddenSize }, (_, k) => {
    const tau = hiddenSize === 1 ? 1 : maxTimescale ** (k / (hiddenSize - 1));
    return 1 - 1 / tau;
  });
}

const ALPHA_CLIP = 1e-3;

/**
 * A leaky (leaky-integrator) RNN cell:
 *
 *   h' = α ⊙ h + (1 − α) ⊙ f(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh),   f = tanh or relu,
 *
 * with α [H] fixed, or α = σ(a) with a learned. α = 0 is exactly RNNCell.
 *
 * Inputs: x [N, inputSize] (or [inputSize]), h [N, hiddenSize] (zeros when omitted).
 * Outputs: h' [N, hiddenSize]. Carry: [h].
 * Parameters: weight_ih [H, I], weight_hh [H, H], bias_ih [H], bias_hh [H] (as RNNCell), and
 * alpha_logit [H] (a) when learnAlpha.
 */
export class LeakyRNNCell extends CellBase {
  readonly carrySize = 1;
  readonly nonlinearity: 'tanh' | 'relu';
  /** a [H] when α is learned, else null. */
  readonly alpha_logit: Tensor | null;
  /** α [H] when fixed, else null. */
  private readonly fixedAlpha: Tensor | null;
  // α₀ per unit as resolved from the config (the fixed α, or the learned one's starting point).
  private readonly initialAlpha: readonly number[];

  constructor(config: LeakyRNNCellConfig, init: InitOptions = {}) {
    super(config, 1, init);
    const H = this.hiddenSize;
    this.nonlinearity = config.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new Error(`LeakyRNNCell: expected nonlinearity 'tanh' or 'relu', got '${String(this.nonlinearity)}'`);
    }
    let alpha: number[];
    if (config.alpha === undefined) alpha = multiTimescaleAlpha(H, config.maxTimescale ?? 10);
    else if (typeof config.alpha === 'number') alpha = new Array<number>(H).fill(config.alpha);
    else {
      if (config.alpha.length !== H) throw new Error(`LeakyRNNCell: expected ${H} alpha values (one per unit), got ${config.alpha.length}`);
      alpha = [...config.alpha];
    }
    for (const a of alpha) {
      if (!(a >= 0 && a <= 1)) throw new Error(`LeakyRNNCell: expected alpha in [0, 1], got ${a}`);
    }
    this.initialAlpha = Object.freeze(alpha);
    const dtype = this.dtype;
    if (config.learnAlpha) {
      const logits = alpha.map((a) => {
        const c = Math.min(1 - ALPHA_CLIP, Math.max(ALPHA_CLIP, a));
        return Math.log(c / (1 - c));
      });
      this.alpha_logit = this.registerParameter('alpha_logit', tensor(logits, [H], { dtype }));
      this.fixedAlpha = null;
    } else {
      this.alpha_logit = null;
      this.fixedAlpha = tensor(alpha, [H], { dtype });
    }
  }

  /** The config with α resolved to one value per unit (maxTimescale has then done its work). */
  getConfig(): Required<Omit<LeakyRNNCellConfig, 'maxTimescale'>> & { alpha: number[] } {
    return { ...this.cellConfig(), nonlinearity: this.nonlinearity, alpha: [...this.initialAlpha], learnAlpha: this.alpha_logit !== null };
  }

  /** α [H] as used by the step (σ(a) when learned; differentiable then). */
  alpha(): Tensor {
    return this.alpha_logit ? sigmoid(this.alpha_logit) : this.fixedAlpha!;
  }

  stepProjected(xp: Tensor, [h]: Carry): Carry {
    const pre = add(xp, linear(h, this.weight_hh, this.bias_hh));
    const f = this.nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
    const alpha = this.alpha(); // [H], broadcast over the batch
    return [add(mul(alpha, h), mul(sub(1, alpha), f))];
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.forwardHidden(x, h);
  }
}

registerClass('nn.LeakyRNNCell', LeakyRNNCell, (config, init) => new LeakyRNNCell(config, init));
