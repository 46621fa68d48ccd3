// The Mackey–Glass series: the delay differential equation of Mackey & Glass (1977), chaotic for
// τ = 17, the classic benchmark of echo state networks.
//
//     dx/dt = β x(t − τ) / (1 + x(t − τ)^n) − γ x(t),    β = 0.2, γ = 0.1, n = 10, τ = 17
//
// Integration: classical RK4 with step h = Δt / substeps (default Δt = 1, 10 substeps, so
// h = 0.1 and τ/h = 170), sampled every Δt. A delay equation needs x(t − τ) at the RK4 stage
// times t + h/2 and t + h, which fall between stored points when τ/h is not an integer and
// always at the half step; we take them from the cubic Hermite interpolant of the stored values
// and slopes (the slope at each point is the RK4 stage k₁ computed there). That interpolant is
// fourth-order accurate, like RK4 itself, so the delay costs no order of accuracy when τ/h is an
// integer (the default: the solution's kinks at multiples of τ then fall on step boundaries; the
// test suite checks the fourth-order convergence). (ReservoirPy
// instead takes one RK4 step per Δt = 1 with x(t − τ) frozen across the step; Jaeger's original
// series used Euler steps of 0.1. Both approximate the same equation less closely.)
//
// The initial function on [−τ, 0] is constant x0 (default 1.2), or x0 + uniform(−0.1, 0.1)
// noise per stored point when a seed is given, so that different seeds give different
// trajectories of the same attractor.

import { Rng } from '../tensor/random.js';

/** Options of {@link mackeyGlass}; every default is in {@link MACKEY_GLASS_DEFAULTS}. */
export interface MackeyGlassOptions {
  /** Samples to return. */
  length: number;
  tau: number;
  beta: number;
  gamma: number;
  n: number;
  /** Spacing Δt of the returned samples. */
  dt: number;
  /** RK4 steps per sample. */
  substeps: number;
  /** Value of the initial function on [−τ, 0]. */
  x0: number;
  /** When set, the initial function gets seeded noise in [−0.1, 0.1]. */
  seed?: number;
  /** Samples computed and dropped before the first one returned (the transient from the initial function). */
  discard: number;
}

export const MACKEY_GLASS_DEFAULTS: Omit<MackeyGlassOptions, 'length'> = {
  tau: 17, beta: 0.2, gamma: 0.1, n: 10, dt: 1, substeps: 10, x0: 1.2, discard: 0,
};

/**
 * Samples x(k·Δt), k = discard, …, discard + length − 1, of the Mackey–Glass equation, integrated
 * by RK4 with Hermite-interpolated delayed values (see the file comment).
 */
export function mackeyGlass(options: Partial<MackeyGlassOptions> & { length: number }): Float64Array {
  const o: MackeyGlassOptions = { ...MACKEY_GLASS_DEFAULTS, ...options };
  const { length, tau, beta, gamma, n, dt, substeps, x0, discard } = o;
  if (!Number.isInteger(length) || length < 0) throw new Error(`expected a length >= 0, got ${length}`);
  if (!Number.isInteger(discard) || discard < 0) throw new Error(`expected discard >= 0, got ${discard}`);
  if (!Number.isInteger(substeps) || substeps < 1) throw new Error(`expected substeps >= 1, got ${substeps}`);
  if (!(dt > 0) || !Number.isFinite(dt)) throw new Error(`expected dt > 0, got ${dt}`);
  const h = dt / substeps;
  if (!(tau >= h) || !Number.isFinite(tau)) throw new Error(`expected tau >= the step ${h} (an explicit scheme needs the delayed value in the past), got ${tau}`);
  for (const [name, v] of [['beta', beta], ['gamma', gamma], ['n', n], ['x0', x0]] as const) {
    if (!Number.isFinite(v)) throw new Error(`expected a finite ${name}, got ${v}`);
  }

  // Delay in steps; snap to an integer when τ/h is one up to rounding (17 / 0.1 = 170.00000000000003).
  let D = tau / h;
  if (Math.abs(D - Math.round(D)) < 1e-9 * D) D = Math.round(D);
  // Ring buffers of the values and slopes at grid points g (time (g − M0)·h), long enough to
  // reach back one delay and one interval from the newest point.
  const M0 = Math.ceil(D) + 1;
  const R = M0 + 3;
  const xs = new Float64Array(R), fs = new Float64Array(R);
  const rng = o.seed === undefined ? null : new Rng(o.seed);
  for (let g = 0; g <= M0; g++) { xs[g % R] = rng ? x0 + rng.uniform(-0.1, 0.1) : x0; fs[g % R] = 0; }
  if (rng) xs[M0 % R] = x0; // x(0) = x0 exactly

  // x at fractional grid coordinate s (≤ the newest stored point), by cubic Hermite interpolation.
  // Intervals inside the initial function use its own slopes (zero), including at t = 0 where the
  // solution's slope jumps: borrowing the solution's slope there would bend the initial function
  // by O(h) and cost the scheme two orders of accuracy.
  const delayed = (s: number): number => {
    const i = Math.floor(s), th = s - i;
    const a = i % R;
    if (th === 0) return xs[a];
    const b = (i + 1) % R;
    const history = i + 1 <= M0;
    const fa = history ? 0 : fs[a], fb = history ? 0 : fs[b];
    const th2 = th * th, th3 = th2 * th;
    return (2 * th3 - 3 * th2 + 1) * xs[a] + (th3 - 2 * th2 + th) * h * fa
      + (-2 * th3 + 3 * th2) * xs[b] + (th3 - th2) * h * fb;
  };
  const f = (x: number, xd: number): number => beta * xd / (1 + Math.pow(xd, n)) - gamma * x;

  const out = new Float64Array(length);
  const total = discard + length;
  let g = M0, x = x0;
  for (let k = 0; k < total; k++) {
    if (k >= discard) out[k - discard] = x;
    if (k === total - 1) break;
    for (let s = 0; s < substeps; s++) {
      const k1 = f(x, delayed(g - D));
      fs[g % R] = k1; // the slope at this point, for later interpolation
      const xdHalf = delayed(g + 0.5 - D);
      const k2 = f(x + 0.5 * h * k1, xdHalf);
      const k3 = f(x + 0.5 * h * k2, xdHalf);
      const k4 = f(x + h * k3, delayed(g + 1 - D));
      x += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      g++;
      xs[g % R] = x;
    }
  }
  return out;
}
