// RMSprop (Hinton's lecture 6e; centered form from Graves, 2013): divide the gradient by a running
// root-mean-square, optionally with momentum. torch.optim.RMSprop, same state names.

import type { Storage } from '../backend/storage.js';
import { checkHyper, Optimizer, withDefaults, type ParamsInput, type ParamState } from './optimizer.js';

/** RMSprop's hyper-parameters (per group). */
export interface RMSpropOptions {
  /** Learning rate γ. Default 1e-2. */
  lr: number;
  /** Smoothing constant α of the squared-gradient average. Default 0.99. */
  alpha: number;
  /** ε added to the denominator (after the square root). Default 1e-8. */
  eps: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor μ. Default 0. */
  momentum: number;
  /** Subtract the squared running mean of g (estimate the variance). Default false. */
  centered: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** The defaults (torch's). */
export const RMSPROP_DEFAULTS: Readonly<RMSpropOptions> = Object.freeze({
  lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false,
});

/**
 * RMSprop, as torch.optim.RMSprop. For each parameter θ with gradient g:
 *
 *     g ← −g                          if maximize
 *     g ← g + λ θ                     if λ ≠ 0
 *     v ← α v + (1 − α) g²
 *     if centered:  ḡ ← α ḡ + (1 − α) g,   d ← √(v − ḡ²) + ε
 *     else:         d ← √v + ε
 *     if μ > 0:     b ← μ b + g / d,       θ ← θ − γ b
 *     else:         θ ← θ − γ g / d
 *
 * State per parameter: `square_avg` (v), `grad_avg` (ḡ, centered), `momentum_buffer` (b, μ > 0).
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, withDefaults(RMSPROP_DEFAULTS, options));
  }

  protected validate(h: RMSpropOptions): void {
    checkHyper('RMSprop', 'learning rate', h.lr, h.lr >= 0, 'lr >= 0');
    checkHyper('RMSprop', 'alpha', h.alpha, h.alpha >= 0, 'alpha >= 0');
    checkHyper('RMSprop', 'eps', h.eps, h.eps >= 0, 'eps >= 0');
    checkHyper('RMSprop', 'momentum', h.momentum, h.momentum >= 0, 'momentum >= 0');
    checkHyper('RMSprop', 'weightDecay', h.weightDecay, h.weightDecay >= 0, 'weightDecay >= 0');
  }

  protected bufferNames(h: RMSpropOptions): string[] {
    const names = ['square_avg'];
    if (h.momentum > 0) names.push('momentum_buffer');
    if (h.centered) names.push('grad_avg');
    return names;
  }

  protected update(ps: Storage, gs: Storage, state: ParamState, h: RMSpropOptions): void {
    const p = ps.write(), g = gs.read();
    const { lr, alpha, eps, weightDecay, momentum, centered } = h;
    const sign = h.maximize ? -1 : 1;
    const sq = this.buffer(state, 'square_avg', ps).write();
    const avg = centered ? this.buffer(state, 'grad_avg', ps).write() : null;
    const buf = momentum > 0 ? this.buffer(state, 'momentum_buffer', ps).write() : null;
    for (let i = 0, n = p.length; i < n; i++) {
      let gi = sign * g[i];
      if (weightDecay !== 0) gi += weightDecay * p[i];
      // Buffers are written, then read back, so float32 state rounds where torch's does.
      sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi;
      let d: number;
      if (avg !== null) {
        avg[i] = alpha * avg[i] + (1 - alpha) * gi;
        d = Math.sqrt(sq[i] - avg[i] * avg[i]) + eps;
      } else {
        d = Math.sqrt(sq[i]) + eps;
      }
      if (buf !== null) {
        buf[i] = momentum * buf[i] + gi / d;
        p[i] -= lr * buf[i];
      } else {
        p[i] -= lr * (gi / d);
      }
    }
  }
}

/** The same class under the spelling used in the design notes. */
export { RMSprop as RMSProp };
