// Weight drop (Merity et al. 2018, AWD-LSTM): DropConnect (Wan et al. 2013) on the recurrent
// weights W_hh. One mask per forward call is drawn over the whole matrix and the same dropped
// matrix serves every time step and every row of the batch, so that, unlike dropout on h_t, the
// recurrence itself is regularized while each step still sees a consistent transition; and since
// only the weight changes, the fused whole-sequence kernels run unchanged on the dropped matrix.

import { Tensor } from '../../tensor/tensor.js';
import { mul } from '../../autograd/ops/elementwise.js';
import type { Rng } from '../../tensor/random.js';
import type { CellBase } from '../cells/cell.js';
import { dropoutMask } from './dropout.js';

/**
 * A view of `cell` whose recurrent weight is `weightHh` [G·H, H] instead of its own: every method
 * (step, the fused route's checks and kernels) runs as on the cell itself but reads the given
 * matrix. The view owns nothing; the cell's parameters stay the module's.
 */
export function withRecurrentWeight<C extends CellBase>(cell: C, weightHh: Tensor): C {
  // A prototype-chained view rather than a copy: the cell's class (which the fused route checks by
  // constructor), sizes and other weights are the cell's own, shared, not duplicated.
  const view = Object.create(cell) as C;
  Object.defineProperty(view, 'weight_hh', { value: weightHh, enumerable: true });
  return view;
}

/**
 * The cell with W_hh ⊙ m, m ∈ {0, 1/(1−p)} drawn once for the whole matrix (inverted DropConnect:
 * evaluation runs the plain W_hh). The product is a graph op, so W_hh's gradient passes through the
 * mask: dropped entries get none. p = 0 returns the cell itself.
 */
export function dropRecurrentWeight<C extends CellBase>(cell: C, p: number, rng?: Rng): C {
  if (p === 0) return cell;
  const w = cell.weight_hh;
  return withRecurrentWeight(cell, mul(w, dropoutMask(w.shape, p, w, rng)));
}
