// The optimizers' element-wise updates (torch.optim's Adam/AdamW and SGD), as plain loops over one
// parameter: the specification the wasm kernels (../wasm/optim.ts) are checked against. Each state
// buffer is written and read back before its next use, so float32 state rounds exactly where torch's
// does; everything else is computed in double. The optimizers (src/optim) call these through the
// backend, with the per-step constants already worked out from their hyper-parameters.

import type { FloatArray } from '../dtype.js';

/** One Adam/AdamW update's constants (torch.optim.Adam / AdamW at step t of this parameter). */
export interface AdamStep {
  /** Learning rate γ. */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** λ: L2 added to the gradient (Adam) or decoupled decay θ ← θ (1 − γλ) (AdamW). */
  weightDecay: number;
  /** AdamW's decoupled weight decay instead of Adam's L2. */
  decoupled: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
  /** The parameter's update count t, from 1 (this update included). */
  step: number;
}

/** One SGD update's constants (torch.optim.SGD). */
export interface SgdStep {
  lr: number;
  /** Momentum μ (0: plain SGD, no buffer). */
  momentum: number;
  /** Dampening τ of the momentum. */
  dampening: number;
  /** L2 penalty λ added to the gradient. */
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The momentum buffer's first update (it is set to g instead of decayed). */
  first: boolean;
}

/**
 * Adam/AdamW on one parameter, in place; p, g, m, v, vMax all [n] (vMax: amsgrad's running maximum
 * of v, or null):
 *
 *     θ ← θ (1 − γλ)  (decoupled)      g ← ±g + λθ  (L2, not decoupled)
 *     m ← β1 m + (1 − β1) g            v ← β2 v + (1 − β2) g²      v_max ← max(v_max, v)
 *     θ ← θ − γ / (1 − β1^t) · m / ( √v / √(1 − β2^t) + ε )
 */
export function adamUpdate(
  p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, h: AdamStep,
): void {
  const { lr, eps, weightDecay, decoupled, beta1, beta2, step } = h;
  const sign = h.maximize ? -1 : 1;
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = 1 - lr * weightDecay;
  const l2 = decoupled ? 0 : weightDecay;
  for (let i = 0, n = p.length; i < n; i++) {
    if (decoupled) p[i] *= decay;
    let gi = sign * g[i];
    if (l2 !== 0) gi += l2 * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    let vi = v[i];
    if (vMax !== null) {
      vMax[i] = Math.max(vMax[i], vi); // Math.max, like torch.maximum, propagates NaN
      vi = vMax[i];
    }
    p[i] -= stepSize * (m[i] / (Math.sqrt(vi) / bc2Sqrt + eps));
  }
}

/**
 * SGD on one parameter, in place; p, g, buf all [n] (buf: the momentum buffer, null when μ = 0):
 *
 *     d ← ±g + λθ
 *     b ← d (first step) or μ b + (1 − τ) d;    d ← d + μ b (nesterov) or b      (when μ ≠ 0)
 *     θ ← θ − γ d
 */
export function sgdUpdate(p: FloatArray, g: FloatArray, buf: FloatArray | null, h: SgdStep): void {
  const { lr, momentum, dampening, weightDecay, nesterov, first } = h;
  const sign = h.maximize ? -1 : 1;
  const n = p.length;
  if (buf === null) {
    for (let i = 0; i < n; i++) p[i] -= lr * (sign * g[i] + weightDecay * p[i]);
    return;
  }
  for (let i = 0; i < n; i++) {
    let d = sign * g[i];
    if (weightDecay !== 0) d += weightDecay * p[i];
    buf[i] = first ? d : momentum * buf[i] + (1 - dampening) * d;
    const b = buf[i];
    p[i] -= lr * (nesterov ? d + momentum * b : b);
  }
}
