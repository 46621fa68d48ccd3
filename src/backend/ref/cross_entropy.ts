// Softmax cross-entropy over rows of logits, forward and backward, as plain loops: the specification
// the wasm kernels (../wasm/cross_entropy.ts) are checked against. Row weights and the reduction stay
// with the autograd op (src/autograd/ops/cross_entropy.ts); here a row is either kept (target in
// [0, C)) or dropped (target −1: no loss, zero gradient), and the backward takes one scale per row.

import type { FloatArray } from '../dtype.js';
import { softmaxRows } from './reduce.js';

/**
 * logp[i, :] = log softmax(x[i, :]); nll[i] = −logp[i, t_i], or 0 where t_i < 0 (a dropped row).
 * x, logp [N, C]; targets, nll [N]. Kept targets must lie in [0, C) (the caller checks).
 */
export function crossEntropyForward(
  x: FloatArray, N: number, C: number, targets: Int32Array, logp: FloatArray, nll: FloatArray,
): void {
  softmaxRows(x, N, C, logp, true);
  for (let i = 0; i < N; i++) {
    const t = targets[i];
    nll[i] = t < 0 ? 0 : -logp[i * C + t];
  }
}

/**
 * gx[i, :] = exp(logp[i, :]) · scale[i] − scale[i] · onehot(t_i): the gradient of scale[i] · nll[i]
 * with respect to the logits; rows with t_i < 0 get zeros. logp, gx [N, C]; targets, scale [N].
 */
export function crossEntropyBackward(
  logp: FloatArray, N: number, C: number, targets: Int32Array, scale: Float64Array, gx: FloatArray,
): void {
  for (let i = 0; i < N; i++) {
    const t = targets[i], o = i * C;
    if (t < 0) { gx.fill(0, o, o + C); continue; }
    const s = scale[i];
    for (let k = 0; k < C; k++) gx[o + k] = Math.exp(logp[o + k]) * s;
    gx[o + t] -= s;
  }
}
