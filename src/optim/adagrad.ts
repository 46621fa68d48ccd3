// Adagrad (Duchi et al., 2011): per-coordinate step sizes that shrink with the sum of all squared
// gradients seen so far, with optional learning-rate decay. torch.optim.Adagrad, state 'sum'.

import type { Storage } from '../backend/storage.js';
import { checkHyper, Optimizer, withDefaults, type ParamsInput, type ParamState } from './optimizer.js';

/** Adagrad's hyper-parameters (per group). */
export interface AdagradOptions {
  /** Learning rate γ. Default 1e-2. */
  lr: number;
  /** Learning-rate decay η. Default 0. */
  lrDecay: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay: number;
  /** Starting value of the sum of squares. Default 0. */
  initialAccumulatorValue: number;
  /** ε added to the denominator (after the square root). Default 1e-10. */
  eps: number;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** The defaults (torch's). */
export const ADAGRAD_DEFAULTS: Readonly<AdagradOptions> = Object.freeze({
  lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false,
});

/**
 * Adagrad, as torch.optim.Adagrad. For each parameter θ with gradient g, at its step t (from 1):
 *
 *     g ← −g                          if maximize
 *     g ← g + λ θ                     if λ ≠ 0
 *     γ̃ ← γ / (1 + (t − 1) η)
 *     s ← s + g²                      (s starts at initialAccumulatorValue)
 *     θ ← θ − γ̃ g / (√s + ε)
 *
 * State per parameter: `sum` (s) and its step t. torch fills `sum` when the optimizer is built;
 * here it is filled at the parameter's first update, which gives the same numbers.
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, withDefaults(ADAGRAD_DEFAULTS, options));
  }

  protected validate(h: AdagradOptions): void {
    checkHyper('Adagrad', 'learning rate', h.lr, h.lr >= 0, 'lr >= 0');
    checkHyper('Adagrad', 'lrDecay', h.lrDecay, h.lrDecay >= 0, 'lrDecay >= 0');
    checkHyper('Adagrad', 'weightDecay', h.weightDecay, h.weightDecay >= 0, 'weightDecay >= 0');
    checkHyper('Adagrad', 'initialAccumulatorValue', h.initialAccumulatorValue, h.initialAccumulatorValue >= 0,
      'initialAccumulatorValue >= 0');
    checkHyper('Adagrad', 'eps', h.eps, h.eps >= 0, 'eps >= 0');
  }

  protected bufferNames(): string[] { return ['sum']; }

  protected update(ps: Storage, gs: Storage, state: ParamState, h: AdagradOptions): void {
    const p = ps.write(), g = gs.read();
    const { weightDecay, eps } = h;
    const sign = h.maximize ? -1 : 1;
    const clr = h.lr / (1 + (state.step - 1) * h.lrDecay);
    const sum = this.buffer(state, 'sum', ps, h.initialAccumulatorValue).write();
    for (let i = 0, n = p.length; i < n; i++) {
      let gi = sign * g[i];
      if (weightDecay !== 0) gi += weightDecay * p[i];
      sum[i] += gi * gi;
      p[i] -= clr * (gi / (Math.sqrt(sum[i]) + eps));
    }
  }
}
