// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov), dampening and L2
// weight decay: torch.optim.SGD, same hyper-parameter meanings, same state ('momentum_buffer').

import type { Storage } from '../backend/storage.js';
import { getBackend } from '../backend/backend.js';
import { checkHyper, Optimizer, withDefaults, type ParamsInput, type ParamState } from './optimizer.js';

/** SGD's hyper-parameters (per group). */
export interface SGDOptions {
  /** Learning rate γ. Default 1e-3. */
  lr: number;
  /** Momentum factor μ. Default 0 (plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum. Default 0. */
  dampening: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs μ > 0 and τ = 0). Default false. */
  nesterov: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** The defaults (torch's). */
export const SGD_DEFAULTS: Readonly<SGDOptions> = Object.freeze({
  lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false,
});

/**
 * Stochastic gradient descent, as torch.optim.SGD. For each parameter θ with gradient g, at step t:
 *
 *     g ← −g                              if maximize
 *     g ← g + λ θ                         if λ ≠ 0
 *     if μ ≠ 0:
 *       b ← g                             at the parameter's first step
 *       b ← μ b + (1 − τ) g               afterwards
 *       g ← g + μ b   if nesterov,   else g ← b
 *     θ ← θ − γ g
 *
 * The first momentum step copies g instead of decaying a zero buffer, as torch does.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, withDefaults(SGD_DEFAULTS, options));
  }

  protected validate(h: SGDOptions): void {
    checkHyper('SGD', 'learning rate', h.lr, h.lr >= 0, 'lr >= 0');
    checkHyper('SGD', 'momentum', h.momentum, h.momentum >= 0, 'momentum >= 0');
    checkHyper('SGD', 'dampening', h.dampening, Number.isFinite(h.dampening), 'a finite number');
    checkHyper('SGD', 'weightDecay', h.weightDecay, h.weightDecay >= 0, 'weightDecay >= 0');
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new Error(`SGD: Nesterov momentum requires momentum > 0 and dampening = 0, got momentum ${h.momentum}, dampening ${h.dampening}`);
    }
  }

  protected bufferNames(h: SGDOptions): string[] {
    return h.momentum !== 0 ? ['momentum_buffer'] : [];
  }

  protected update(p: Storage, g: Storage, state: ParamState, h: SGDOptions): void {
    // The first momentum step copies g into a fresh buffer (torch's rule); the backend's sgdUpdate
    // kernel runs the loop (wasm on float32, else src/backend/ref/optim.ts).
    const first = h.momentum !== 0 && state.buffers.momentum_buffer === undefined;
    const buf = h.momentum !== 0 ? this.buffer(state, 'momentum_buffer', p) : null;
    getBackend().sgdUpdate(p, g, buf, {
      lr: h.lr, momentum: h.momentum, dampening: h.dampening, weightDecay: h.weightDecay,
      nesterov: h.nesterov, maximize: h.maximize, first,
    });
  }
}
