// NARMA10: the tenth-order nonlinear autoregressive moving average system of Atiya & Parlos
// (2000), a standard test of a reservoir's memory (ten steps back) and nonlinearity (products):
//
//     y(t+1) = 0.3 y(t) + 0.05 y(t) Σ_{i=0}^{9} y(t−i) + 1.5 u(t−9) u(t) + 0.1,   u(t) ~ U[0, 0.5]
//
// The network reads u(t) and must output y(t+1). Runs start from y = 0, with zeros standing in for
// y and u before t = 0; for some input draws the recursion diverges, in which case the next draw
// of the seeded generator is used.

import { Rng } from '../tensor/random.js';

/** An input sequence u and the aligned targets: targets[t] = y(t+1), which depends on u up to t. */
export interface NarmaSeries { inputs: Float64Array; targets: Float64Array }

/**
 * `length` steps of NARMA of the given order (10 by default; other orders keep NARMA10's
 * constants), with inputs uniform in [0, 0.5] from `seed`.
 *
 * @throws Error if 100 successive draws all diverge (which does not happen for order 10).
 */
export function narma(length: number, opts: { order?: number; seed?: number } = {}): NarmaSeries {
  const order = opts.order ?? 10;
  if (!Number.isInteger(length) || length < 0) throw new Error(`expected a length >= 0, got ${length}`);
  if (!Number.isInteger(order) || order < 1) throw new Error(`expected an order >= 1, got ${order}`);
  const rng = new Rng(opts.seed ?? 0);
  for (let attempt = 0; attempt < 100; attempt++) {
    const u = new Float64Array(length);
    for (let t = 0; t < length; t++) u[t] = rng.uniform(0, 0.5);
    // y[t] for t = 0..length, from y[0] = 0.
    const y = new Float64Array(length + 1);
    let ok = true;
    for (let t = 0; t < length; t++) {
      let sum = 0;
      for (let i = 0; i < order && i <= t; i++) sum += y[t - i];
      const uDelayed = t - order + 1 >= 0 ? u[t - order + 1] : 0;
      y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * sum + 1.5 * uDelayed * u[t] + 0.1;
      if (!(Math.abs(y[t + 1]) < 10)) { ok = false; break; }
    }
    if (ok) return { inputs: u, targets: y.subarray(1) };
  }
  throw new Error(`NARMA${order} diverged for 100 successive input draws (seed ${opts.seed ?? 0})`);
}
