// Many-to-many (tagging, next-step prediction): a head on every step's hidden state, one output per
// input step.

import type { Tensor } from '../../tensor/tensor.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { applyHead, type Head } from './head.js';
import { unroll, type UnrollOptions } from './unroll.js';

export interface ManyToManyResult {
  /** y_t = head(h_t): [T, B, O] ([B, T, O] when batchFirst). */
  outputs: Tensor;
  /** h_t: [T, B, H] ([B, T, H] when batchFirst). */
  hidden: Tensor;
  carry: Carry;
}

/**
 * y_t = head(h_t) for t = 0 … T−1, h_t from `cell` over x.
 *
 * Inputs: x [T, B, I] ([B, T, I] when batchFirst). Outputs: outputs [T, B, O], hidden [T, B, H].
 * With padded rows, give the loss a mask (crossEntropy's mask) so steps past a row's end do not count.
 */
export function manyToMany(cell: RecurrentCell, head: Head, x: Tensor, options: UnrollOptions = {}): ManyToManyResult {
  const { outputs: hidden, carry } = unroll(cell, x, options);
  return { outputs: applyHead(head, hidden), hidden, carry };
}
