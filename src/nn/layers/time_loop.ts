// The one loop over time. Every recurrent layer runs its cells through scan(): given the projected
// inputs of all steps, apply the cell's step forward (or backward) in time and collect h_t.

import { Tensor } from '../../tensor/tensor.js';
import { select } from '../../autograd/ops/shape_ops.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';

export interface ScanResult {
  /** h_t for t = 0 … T−1, in time order whatever the direction. */
  outputs: Tensor[];
  /** The carry after the last step processed (t = T−1, or t = 0 when reversed). */
  carry: Carry;
}

/**
 * Runs `cell` over time-major projected inputs xp [T, B, G·H] from `carry`.
 * With `reverse`, steps run t = T−1 … 0, as the backward half of a bidirectional layer.
 */
export function scan(cell: RecurrentCell, xp: Tensor, carry: Carry, reverse = false): ScanResult {
  const T = xp.shape[0];
  const outputs = new Array<Tensor>(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    carry = cell.stepProjected(select(xp, 0, t), carry);
    outputs[t] = carry[0];
  }
  return { outputs, carry };
}
