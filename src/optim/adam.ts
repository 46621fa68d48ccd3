// Adam (Kingma & Ba, 2015) with L2 weight decay added to the gradient, and the AMSGrad variant:
// torch.optim.Adam. The update kernel is shared with AdamW, which decays the weights instead.

import type { Storage } from '../backend/storage.js';
import { getBackend } from '../backend/backend.js';
import { checkHyper, Optimizer, withDefaults, type ParamsInput, type ParamState } from './optimizer.js';

/** Adam's hyper-parameters (per group); AdamW has the same ones. */
export interface AdamOptions {
  /** Learning rate γ. Default 1e-3. */
  lr: number;
  /** Decay rates (β1, β2) of the first and second moment averages. Default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to the denominator (after the square root). Default 1e-8. */
  eps: number;
  /** Weight decay λ (Adam: L2 added to the gradient; AdamW: decoupled). Default 0 (AdamW: 1e-2). */
  weightDecay: number;
  /** Use the running maximum of v̂ (AMSGrad). Default false. */
  amsgrad: boolean;
  /** Ascend instead of descend. Default false. */
  maximize: boolean;
}

/** Adam's defaults (torch's). */
export const ADAM_DEFAULTS: Readonly<AdamOptions> = Object.freeze({
  lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false,
});

/** Range checks shared by Adam and AdamW. */
export function validateAdam(kind: string, h: AdamOptions): void {
  checkHyper(kind, 'learning rate', h.lr, h.lr >= 0, 'lr >= 0');
  checkHyper(kind, 'eps', h.eps, h.eps >= 0, 'eps >= 0');
  checkHyper(kind, 'beta1', h.betas[0], h.betas[0] >= 0 && h.betas[0] < 1, '0 <= beta1 < 1');
  checkHyper(kind, 'beta2', h.betas[1], h.betas[1] >= 0 && h.betas[1] < 1, '0 <= beta2 < 1');
  checkHyper(kind, 'weightDecay', h.weightDecay, h.weightDecay >= 0, 'weightDecay >= 0');
}

/** The buffers an Adam/AdamW parameter has after its first update. */
export function adamBufferNames(h: AdamOptions): string[] {
  return h.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
}

/**
 * One Adam/AdamW update of one parameter, in torch's order of operations (see Adam and AdamW for
 * the equations), run by the backend's adamUpdate kernel (wasm on float32, else the reference loop in
 * src/backend/ref/optim.ts). `step` is the parameter's own count t, already advanced for this update.
 */
export function adamUpdate(
  p: Storage, g: Storage, m: Storage, v: Storage, vMax: Storage | null,
  h: AdamOptions, step: number, decoupled: boolean,
): void {
  getBackend().adamUpdate(p, g, m, v, vMax, {
    lr: h.lr, beta1: h.betas[0], beta2: h.betas[1], eps: h.eps, weightDecay: h.weightDecay,
    decoupled, maximize: h.maximize, step,
  });
}

/**
 * Adam, as torch.optim.Adam. For each parameter θ with gradient g, at its step t (from 1):
 *
 *     g ← −g                     if maximize
 *     g ← g + λ θ                (L2 weight decay, if λ ≠ 0)
 *     m ← β1 m + (1 − β1) g
 *     v ← β2 v + (1 − β2) g²
 *     v_max ← max(v_max, v)      (amsgrad; then v_max replaces v below)
 *     θ ← θ − γ / (1 − β1^t) · m / ( √v / √(1 − β2^t) + ε )
 *
 * so ε is added after the square root of v̂ = v / (1 − β2^t), exactly as torch computes it.
 * State per parameter: `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (amsgrad) and its step t.
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, withDefaults(ADAM_DEFAULTS, options));
  }

  protected validate(h: AdamOptions): void { validateAdam('Adam', h); }

  protected bufferNames(h: AdamOptions): string[] { return adamBufferNames(h); }

  protected update(p: Storage, g: Storage, state: ParamState, h: AdamOptions): void {
    adamUpdate(p, g, this.buffer(state, 'exp_avg', p), this.buffer(state, 'exp_avg_sq', p),
      h.amsgrad ? this.buffer(state, 'max_exp_avg_sq', p) : null, h, state.step, false);
  }
}
