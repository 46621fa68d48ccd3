// Unrolling any RecurrentCell over a whole sequence: runCell (and so the one time loop, scan()) with
// batch-first layout and a per-sequence bias on every step's input. The generic path that the
// sequence helpers (task shapes, stateful TBPTT) build on. For variable lengths, variational
// dropout or zoneout, wrap the cell in nn's Recurrence layer instead.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { transpose } from '../../autograd/ops/shape_ops.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { runCell } from '../layers/run_cell.js';

export interface UnrollOptions {
  /** Initial carry (default cell.initCarry(B)). */
  carry?: Carry;
  /** x is [B, T, I] and the outputs [B, T, H] (default false: time-major [T, B, ·]). */
  batchFirst?: boolean;
  /** A per-sequence term [B, P] added to every step's projected input (e.g. conditioning v Rᵀ). */
  stepBias?: Tensor;
}

export interface UnrollResult {
  /** h_t for every step: [T, B, H] ([B, T, H] when batchFirst). */
  outputs: Tensor;
  /** The carry after the last step. */
  carry: Carry;
}

/**
 * Unrolls `cell` over x: h_t = cell(x_t, carry_{t−1}) for t = 0 … T−1.
 *
 * Inputs: x [T, B, inputSize] ([B, T, inputSize] when batchFirst), T ≥ 1.
 * Outputs: outputs [T, B, H] ([B, T, H] when batchFirst) and the final carry.
 */
export function unroll(cell: RecurrentCell, x: Tensor, options: UnrollOptions = {}): UnrollResult {
  const batchFirst = options.batchFirst ?? false;
  if (x.rank !== 3 || x.shape[2] !== cell.inputSize) {
    const want = batchFirst ? `[N, L, ${cell.inputSize}]` : `[L, N, ${cell.inputSize}]`;
    throw new Error(`expected input of shape ${want}, got ${formatShape(x.shape)}`);
  }
  const seq = batchFirst ? transpose(x, 0, 1) : x; // [T, B, I]
  const [T, B] = seq.shape;
  if (T === 0) throw new Error(`expected a sequence of length >= 1, got input of shape ${formatShape(x.shape)}`);
  const carry = options.carry ?? cell.initCarry(B);
  if (carry.length !== cell.carrySize) throw new Error(`expected a carry of ${cell.carrySize} tensor(s), got ${carry.length}`);
  for (const c of carry) {
    if (c.rank !== 2 || c.shape[0] !== B) throw new Error(`expected carry tensors of shape [${B}, ·], got ${formatShape(c.shape)}`);
  }
  const res = runCell(cell, seq, carry, { stepBias: options.stepBias ?? null }); // [T, B, H]
  return { outputs: batchFirst ? transpose(res.output, 0, 1) : res.output, carry: res.carry };
}
