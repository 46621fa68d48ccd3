// Variational dropout (Gal & Ghahramani 2016): one dropout mask per sequence, the same at every time
// step, on the inputs x_t and on the recurrent state h_{t−1} where it enters the step. Masks are
// inverted (kept units scaled by 1/(1−p)), so evaluation runs the plain cell.
// h_{t−1} is dropped only where it multiplies W_hh: for the vanilla and LSTM cells that is the whole
// of its use; the GRU also interpolates h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, and that term keeps the
// undropped state (as Keras' recurrent_dropout does), so dropout never erases the memory itself.

import { Tensor } from '../../tensor/tensor.js';
import { add, mul, sigmoid, sub, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { slice } from '../../autograd/ops/shape_ops.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { GRUCell } from '../cells/gru_cell.js';

/** Multiplies h (the carry's first entry) by a mask: recurrent dropout for cells other than the GRU. */
export function dropHidden(carry: Carry, mask: Tensor): Carry {
  return [mul(carry[0], mask), ...carry.slice(1)];
}

/**
 * One step with recurrent dropout: the cell sees h_{t−1} ⊙ m in its recurrent products.
 * xp [B, G·H] projected input, carry [h, …] each [B, H], mask [B, H].
 */
export function recurrentDroppedStep(cell: RecurrentCell, xp: Tensor, carry: Carry, mask: Tensor): Carry {
  // Only the exact GRUCell: a subclass may have changed the step.
  if (cell.constructor === GRUCell) return [gruStep(cell as GRUCell, xp, carry[0], mul(carry[0], mask))];
  return cell.stepProjected(xp, dropHidden(carry, mask));
}

// The GRU step of gru_cell.ts with the dropped state hd in the gates and the full state h in the
// interpolation. xp [B, 3H], h and hd [B, H].
function gruStep(cell: GRUCell, xp: Tensor, h: Tensor, hd: Tensor): Tensor {
  const H = cell.hiddenSize, w = cell.weight_hh, b = cell.bias_hh;
  const xrz = slice(xp, 1, 0, 2 * H), xn = slice(xp, 1, 2 * H, 3 * H);
  let rz: Tensor, hn: Tensor;
  if (cell.resetAfter) {
    const hh = linear(hd, w, b); // [B, 3H]
    rz = sigmoid(add(xrz, slice(hh, 1, 0, 2 * H)));
    hn = mul(slice(rz, 1, 0, H), slice(hh, 1, 2 * H, 3 * H));
  } else {
    rz = sigmoid(add(xrz, linear(hd, slice(w, 0, 0, 2 * H), b ? slice(b, 0, 0, 2 * H) : null)));
    hn = linear(mul(slice(rz, 1, 0, H), hd), slice(w, 0, 2 * H, 3 * H), b ? slice(b, 0, 2 * H, 3 * H) : null);
  }
  const z = slice(rz, 1, H, 2 * H);
  const n = tanh(add(xn, hn));
  return add(n, mul(z, sub(h, n)));
}
