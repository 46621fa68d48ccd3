// Many-to-one (sequence classification): read the whole sequence, put a head on the last step's
// hidden state, or on each row's last real step when the rows have lengths (padded batches).

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { checkLengths } from '../../tensor/sequence_mask.js';
import { selectRows } from '../../autograd/ops/gather.js';
import { reshape, select, transpose } from '../../autograd/ops/shape_ops.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { applyHead, type Head } from './head.js';
import { unroll, type UnrollOptions } from './unroll.js';

/**
 * h_{T−1} of every row, or h_{lengths[b]−1} of row b: [T, B, H] → [B, H] (differentiable; the
 * gradient reaches only the picked steps).
 */
export function lastStep(hidden: Tensor, lengths?: ArrayLike<number>): Tensor {
  if (hidden.rank !== 3) throw new Error(`lastStep: expected hidden states of shape [T, B, H], got ${formatShape(hidden.shape)}`);
  const [T, B, H] = hidden.shape;
  if (!lengths) return select(hidden, 0, T - 1);
  checkLengths(lengths, T, B, { who: 'lastStep' });
  const rows = new Int32Array(B);
  for (let b = 0; b < B; b++) rows[b] = (lengths[b] - 1) * B + b; // row of [T·B, H]
  return selectRows(reshape(hidden, [T * B, H]), rows);
}

export interface ManyToOneOptions extends UnrollOptions {
  /** Each row's real length (default: all T). Steps after a row's end run but are not read. */
  lengths?: ArrayLike<number>;
}

export interface ManyToOneResult {
  /** head(h_last): [B, O]. */
  output: Tensor;
  /** h_last: [B, H]. */
  last: Tensor;
  /** The carry after step T−1 (not each row's last real step). */
  carry: Carry;
}

/**
 * y = head(h_last), h_last = h_{T−1} (or h_{lengths[b]−1}) of `cell` over x.
 *
 * Inputs: x [T, B, I] ([B, T, I] when batchFirst), lengths [B]. Outputs: output [B, O], last [B, H].
 */
export function manyToOne(cell: RecurrentCell, head: Head, x: Tensor, options: ManyToOneOptions = {}): ManyToOneResult {
  const { outputs, carry } = unroll(cell, x, options);
  const hidden = options.batchFirst ? transpose(outputs, 0, 1) : outputs; // [T, B, H]
  const last = lastStep(hidden, options.lengths);
  return { output: applyHead(head, last), last, carry };
}
