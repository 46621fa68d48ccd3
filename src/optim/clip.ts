// Gradient clipping, run between backward() and step(): rescale all gradients together when their
// global norm exceeds a bound (Pascanu et al., 2013: the cure for exploding gradients in RNNs), or
// clamp each entry. torch.nn.utils.clip_grad_norm_ / clip_grad_value_, in place on `p.grad`.

import { getBackend, type Backend } from '../backend/backend.js';
import { Storage } from '../backend/storage.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of clipGradNorm. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of returning it. Default false. */
  errorIfNonfinite?: boolean;
}

function gradsOf(params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : Array.from(params);
  const grads: Tensor[] = [];
  for (const p of list) {
    const g = p.peekGrad();
    if (g !== null) grads.push(g);
  }
  return grads;
}

/**
 * Scales the gradients of `params` in place so that their global norm is at most `maxNorm`, and
 * returns the norm they had before. The norm is taken over all gradients as one vector:
 *
 *     ‖g‖_p = (Σ_i |g_i|^p)^(1/p),     ‖g‖_∞ = max_i |g_i|
 *     c = maxNorm / (‖g‖ + 1e-6);      g ← c g   only when c < 1
 *
 * as torch does (the 1e-6 keeps c finite when the norm is 0). Parameters without a grad are left
 * out. Sums run in float64, so float32 gradients do not overflow on the way.
 *
 * A NaN or infinite norm throws when `errorIfNonfinite` is set; otherwise it is returned, and an
 * infinite one scales the gradients by 0 (as torch does; infinite entries become NaN).
 *
 * On a backend that reads back only asynchronously (WebGPU), the 2-norm of float32 gradients is
 * computed and applied on the device without waiting, and NaN is returned in its place (reading it
 * would cost a round trip every step); errorIfNonfinite there needs the value, so it waits for it.
 */
export function clipGradNorm(
  params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2, options: ClipGradNormOptions = {},
): number {
  if (!(normType > 0)) throw new Error(`clipGradNorm: expected normType > 0 or Infinity, got ${normType}`);
  if (!(maxNorm >= 0)) throw new Error(`clipGradNorm: expected maxNorm >= 0, got ${maxNorm}`);
  const grads = gradsOf(params);
  const be = getBackend();
  if (be.asyncReadback && be.sumSquaresTo && normType === 2 && !options.errorIfNonfinite && grads.every((g) => g.dtype === 'float32')) {
    clipOnDevice(be, grads, maxNorm);
    return NaN;
  }
  let total = 0;
  if (normType === Infinity) {
    for (const g of grads) for (const v of g.dataSync()) total = Math.max(total, Math.abs(v));
  } else {
    let sum = 0;
    for (const g of grads) {
      if (normType === 2) { sum += be.sumSquares(g.storage); continue; }
      const d = g.dataSync();
      if (normType === 1) for (let i = 0; i < d.length; i++) sum += Math.abs(d[i]);
      else for (let i = 0; i < d.length; i++) sum += Math.abs(d[i]) ** normType;
    }
    total = normType === 1 ? sum : normType === 2 ? Math.sqrt(sum) : sum ** (1 / normType);
  }
  if (!Number.isFinite(total) && options.errorIfNonfinite) {
    throw new Error(`clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped`
      + ' (set errorIfNonfinite: false to return it instead)');
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (const g of grads) be.affineScalar(g.storage, coef, 0, g.storage);
  return total;
}

// c = min(maxNorm / (‖g‖ + 1e-6), 1) and g ← c g, every step on the device (c = 1 leaves g as it is).
function clipOnDevice(be: Backend, grads: Tensor[], maxNorm: number): void {
  const parts = new Storage('float32', grads.length), c = new Storage('float32', 1);
  grads.forEach((g, i) => be.sumSquaresTo!(g.storage, parts, i));
  be.sumTo(parts, [grads.length], c, [1]);
  be.unary('sqrt', c, c);
  be.affineScalar(c, 1, 1e-6, c);
  be.binary('div', Storage.wrap(Float32Array.of(maxNorm)), [1], c, [1], c, [1]);
  be.binary('minimum', c, [1], Storage.wrap(Float32Array.of(1)), [1], c, [1]);
  for (const g of grads) be.binary('mul', g.storage, g.shape, c, [1], g.storage, g.shape);
}

/**
 * Clamps every gradient entry of `params` to [−clipValue, clipValue], in place
 * (torch.nn.utils.clip_grad_value_): g_i ← min(max(g_i, −c), c). NaN entries stay NaN.
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new Error(`clipGradValue: expected clipValue >= 0, got ${clipValue}`);
  for (const g of gradsOf(params)) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) {
      if (d[i] > clipValue) d[i] = clipValue;
      else if (d[i] < -clipValue) d[i] = -clipValue;
    }
  }
}
