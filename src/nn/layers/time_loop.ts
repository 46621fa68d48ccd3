// The one loop over time. Every recurrent layer runs its cells through scan(): given the projected
// inputs of all steps, apply the cell's step forward (or backward) in time and collect h_t.
// Three things can change a step, each optional: padded steps are skipped (variable lengths), the
// recurrent state entering the step is multiplied by a per-sequence dropout mask (variational
// dropout), and units keep their previous value at random (zoneout).

import { Tensor } from '../../tensor/tensor.js';
import { reshape, select } from '../../autograd/ops/shape_ops.js';
import { where } from '../../autograd/ops/mask.js';
import { scalar } from '../../autograd/ops/broadcast_buffer.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import type { StepMask } from './step_mask.js';
import { recurrentDroppedStep } from './recurrent_dropout.js';
import { zoneoutCarry, type ZoneoutPlan } from './zoneout.js';

export interface ScanResult {
  /** h_t for t = 0 … T−1, in time order whatever the direction ([B, H] each; zeros at padded steps). */
  outputs: Tensor[];
  /** The carry after the last step processed (t = T−1, or t = 0 when reversed), per row its own last real step. */
  carry: Carry;
}

export interface ScanOptions {
  /** Real and padded steps; padded ones leave the carry as it was and output zeros. */
  steps?: StepMask | null;
  /** Variational dropout: a [B, H] mask (0 or 1/(1−p)) on h_{t−1} as it enters every step. */
  recurrentMask?: Tensor | null;
  /** Zoneout of the carry entries. */
  zoneout?: ZoneoutPlan | null;
}

/**
 * Runs `cell` over time-major projected inputs xp [T, B, G·H] from `carry`.
 * With `reverse`, steps run t = T−1 … 0, as the backward half of a bidirectional layer; with
 * `options.steps`, each row's padded steps are skipped, so the reverse direction of a row starts at
 * its own last real step:
 *   c̃_t = step(xp_t, c_{t−1})        c_t = m_t ⊙ c̃_t + (1 − m_t) ⊙ c_{t−1}        y_t = m_t ⊙ h_t
 * where m_t ∈ {0, 1}^B marks the real rows at step t (c_{t−1} means the previous step in run order).
 */
export function scan(cell: RecurrentCell, xp: Tensor, carry: Carry, reverse = false, options: ScanOptions = {}): ScanResult {
  const T = xp.shape[0];
  const steps = options.steps ?? null, dropMask = options.recurrentMask ?? null, zoneout = options.zoneout ?? null;
  const outputs = new Array<Tensor>(T);
  const zero = steps ? scalar(0, xp.dtype) : null;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const xt = select(xp, 0, t);
    let next = dropMask ? recurrentDroppedStep(cell, xt, carry, dropMask) : cell.stepProjected(xt, carry);
    if (zoneout) next = zoneoutCarry(carry, next, zoneout);
    if (steps && zero && !steps.allOn(t)) {
      const m = steps.column(t, xp.dtype); // [B, 1]
      const prev = carry;
      // Entries of a custom cell may have more axes than [B, H]: the mask must still align with B.
      next = next.map((c, j) => where(c.rank === 2 ? m : reshape(m, [c.shape[0], ...c.shape.slice(1).map(() => 1)]), c, prev[j]));
      outputs[t] = where(m, next[0], zero);
    } else {
      outputs[t] = next[0];
    }
    carry = next;
  }
  return { outputs, carry };
}

