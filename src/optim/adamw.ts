// AdamW (Loshchilov & Hutter, 2019): Adam with the weight decay taken out of the gradient and
// applied to the weights directly, so that it is not rescaled by the adaptive denominator.
// torch.optim.AdamW; defaults as torch's (weight decay 1e-2).

import type { Storage } from '../backend/storage.js';
import { adamBufferNames, adamUpdate, validateAdam, ADAM_DEFAULTS, type AdamOptions } from './adam.js';
import { Optimizer, withDefaults, type ParamsInput, type ParamState } from './optimizer.js';

/** AdamW's hyper-parameters: Adam's, with weightDecay decoupled. */
export type AdamWOptions = AdamOptions;

/** The defaults (torch's). */
export const ADAMW_DEFAULTS: Readonly<AdamWOptions> = Object.freeze({ ...ADAM_DEFAULTS, weightDecay: 1e-2 });

/**
 * AdamW, as torch.optim.AdamW. For each parameter θ with gradient g, at its step t (from 1):
 *
 *     g ← −g                     if maximize
 *     θ ← θ (1 − γ λ)            (decoupled weight decay)
 *     m ← β1 m + (1 − β1) g
 *     v ← β2 v + (1 − β2) g²
 *     v_max ← max(v_max, v)      (amsgrad; then v_max replaces v below)
 *     θ ← θ − γ / (1 − β1^t) · m / ( √v / √(1 − β2^t) + ε )
 *
 * State per parameter: `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (amsgrad) and its step t.
 */
export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super('AdamW', params, withDefaults(ADAMW_DEFAULTS, options));
  }

  protected validate(h: AdamWOptions): void { validateAdam('AdamW', h); }

  protected bufferNames(h: AdamWOptions): string[] { return adamBufferNames(h); }

  protected update(p: Storage, g: Storage, state: ParamState, h: AdamWOptions): void {
    adamUpdate(p, g, this.buffer(state, 'exp_avg', p), this.buffer(state, 'exp_avg_sq', p),
      h.amsgrad ? this.buffer(state, 'max_exp_avg_sq', p) : null, h, state.step, true);
  }
}
