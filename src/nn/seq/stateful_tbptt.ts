// Stateful truncated BPTT over a stream: the stream is cut into chunks of T steps (see
// data's StreamBatcher: B parallel streams, `first` marks a chunk that restarts them); each chunk
// starts from the carry the previous one ended with, detached, so the state flows forward across
// chunks while the gradient stops at the chunk boundary (the same as the char trainer's --stateful).

import { Tensor } from '../../tensor/tensor.js';
import { detach } from '../../autograd/ops/copy.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { unroll, type UnrollOptions, type UnrollResult } from './unroll.js';

/** The carry's values cut from the graph: what a chunk hands to the next. */
export function detachCarry(carry: Carry): Carry {
  return carry.map((c) => detach(c));
}

export interface StatefulChunkOptions extends Omit<UnrollOptions, 'carry'> {
  /** Start this chunk from the cell's initial carry (a stream's first chunk) (default false). */
  reset?: boolean;
}

/**
 * Runs a cell chunk after chunk, carrying state:
 *   carry_k,0 = stopgrad(carry_{k−1},T)   (zeros for the first chunk or after reset),
 * so ∂L_k/∂(anything in chunks < k) = 0 while h continues the stream.
 *
 * Inputs: x [T, B, I] per chunk ([B, T, I] when batchFirst; T may vary, B must stay). Outputs: as unroll.
 */
export class StatefulRunner {
  readonly cell: RecurrentCell;
  /** The detached carry the next chunk starts from (null: start from cell.initCarry). */
  carry: Carry | null = null;

  constructor(cell: RecurrentCell) {
    this.cell = cell;
  }

  /** Forget the carried state (a new stream or epoch). */
  reset(): void {
    this.carry = null;
  }

  forward(x: Tensor, options: StatefulChunkOptions = {}): UnrollResult {
    if (options.reset) this.reset();
    const B = x.shape[options.batchFirst ? 0 : 1];
    if (this.carry && this.carry[0].shape[0] !== B) {
      throw new Error(`StatefulRunner: expected chunks of ${this.carry[0].shape[0]} rows (the carried batch), got ${B}; call reset() to change the batch`);
    }
    const res = unroll(this.cell, x, { ...options, carry: this.carry ?? undefined });
    this.carry = detachCarry(res.carry);
    return res;
  }
}
