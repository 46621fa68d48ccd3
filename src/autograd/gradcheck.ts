// Gradient checking: compares the gradients backward() computes with central finite differences,
//   ∂L/∂x_i ≈ (L(x + ε e_i) − L(x − ε e_i)) / 2ε,
// in float64. A non-scalar output is projected on a fixed random direction r first (L = Σ r ⊙ f),
// which checks the whole vector-Jacobian product rᵀJ at once.

import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import { backward } from './engine.js';
import { noGrad } from './grad_mode.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
  /** Throw with a description of the worst mismatch instead of returning (default true). */
  raise?: boolean;
  /** Seed of the projection direction. */
  seed?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic − numeric| over all checked entries. */
  maxAbsError: number;
  /** Where the worst entry was: input index and flat element index. */
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
}

/**
 * Checks fn's gradient with respect to every input that requires grad. Inputs must be float64.
 * Returns the comparison; throws on mismatch unless `raise: false`.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6, atol = options.atol ?? 1e-5, rtol = options.rtol ?? 1e-4;
  for (const [i, t] of inputs.entries()) {
    if (t.requiresGrad && t.dtype !== 'float64') {
      throw new Error(`gradcheck: expected float64 inputs, got ${t.dtype} for input ${i}`);
    }
  }
  const probe = noGrad(() => fn(...inputs));
  const rng = new Rng(options.seed ?? 1234);
  const r = new Float64Array(probe.size);
  for (let i = 0; i < r.length; i++) r[i] = rng.uniform(-1, 1);
  const project = (out: Tensor): number => {
    let s = 0;
    const d = out.dataSync();
    for (let i = 0; i < r.length; i++) s += r[i] * d[i];
    return s;
  };

  for (const t of inputs) t.grad = null;
  const out = fn(...inputs);
  backward(out, { grad: new Tensor(Float64Array.from(r), out.shape) });

  let maxAbsError = 0;
  let worst: GradcheckResult['worst'] = null;
  let ok = true;
  noGrad(() => {
    for (const [k, t] of inputs.entries()) {
      if (!t.requiresGrad) continue;
      const analytic = t.grad ? t.grad.dataSync() : new Float64Array(t.size);
      for (let i = 0; i < t.size; i++) {
        const orig = t.data[i];
        t.data[i] = orig + eps;
        const plus = project(fn(...inputs));
        t.data[i] = orig - eps;
        const minus = project(fn(...inputs));
        t.data[i] = orig;
        const numeric = (plus - minus) / (2 * eps);
        const err = Math.abs(analytic[i] - numeric);
        if (err > maxAbsError) { maxAbsError = err; worst = { input: k, index: i, analytic: analytic[i], numeric }; }
        if (!(err <= atol + rtol * Math.abs(numeric))) ok = false;
      }
    }
  });
  const result = { ok, maxAbsError, worst };
  if (!ok && (options.raise ?? true)) {
    const w = worst as GradcheckResult['worst'];
    throw new Error(`gradcheck failed: input ${w?.input} element ${w?.index}: analytic ${w?.analytic}, numeric ${w?.numeric}`);
  }
  return result;
}
