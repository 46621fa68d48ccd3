// Zoneout (Krueger et al. 2017): in training each unit of the state keeps its previous value with
// probability p, drawn afresh at every step,
//   h_t = d_t ⊙ h_{t−1} + (1 − d_t) ⊙ h̃_t,   d_t ~ Bernoulli(p),
// and at evaluation takes the expectation h_t = p·h_{t−1} + (1 − p)·h̃_t. Like dropout it injects
// noise, but the identity it falls back to carries gradient and information through time.
// An LSTM has separate rates for h and c.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { add, mul } from '../../autograd/ops/elementwise.js';
import { where } from '../../autograd/ops/mask.js';
import type { Rng } from '../../tensor/random.js';
import type { Carry } from '../cells/cell.js';

export interface ZoneoutPlan {
  /** Rate per carry entry ([p_h] or [p_h, p_c]); 0 leaves that entry alone. */
  rates: readonly number[];
  /** Bernoulli masks (true) or the expectation (false). */
  training: boolean;
  rng: Rng;
}

/** Checks a zoneout rate: a probability in [0, 1). */
export function checkRate(name: string, p: number): number {
  if (!(p >= 0 && p < 1)) throw new Error(`expected ${name} in [0, 1), got ${p}`);
  return p;
}

/** Applies zoneout between the previous carry and the step's new one (each entry [B, H]). */
export function zoneoutCarry(prev: Carry, next: Carry, plan: ZoneoutPlan): Carry {
  return next.map((n, j) => {
    const p = plan.rates[j] ?? 0;
    if (p === 0) return n;
    if (!plan.training) return add(mul(prev[j], p), mul(n, 1 - p));
    return where(bernoulli(n, p, plan.rng), prev[j], n);
  });
}

// 1 with probability p, shaped like `like`, without history.
function bernoulli(like: Tensor, p: number, rng: Rng): Tensor {
  const mask = zeros(like.shape, { dtype: like.dtype }), d = mask.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.random() < p ? 1 : 0;
  return mask;
}
