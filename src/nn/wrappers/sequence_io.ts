// The boundary of the wrappers' forward(): checks the input, turns batch-first input time-major,
// resolves lengths or mask into the StepMask the time loop takes, and turns the output back.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { transpose } from '../../autograd/ops/shape_ops.js';
import { StepMask, type SequenceOptions } from '../layers/step_mask.js';

/** x [T, B, I] ([B, T, I] batchFirst) → time-major seq [T, B, I] and its real steps (null: all). */
export function enterSequence(who: string, x: Tensor, inputSize: number, batchFirst: boolean, options?: SequenceOptions): { seq: Tensor; steps: StepMask | null } {
  if (x.rank !== 3 || x.shape[2] !== inputSize) {
    throw new Error(`${who}: expected input of shape ${batchFirst ? `[N, L, ${inputSize}]` : `[L, N, ${inputSize}]`}, got ${formatShape(x.shape)}`);
  }
  const seq = batchFirst ? transpose(x, 0, 1) : x;
  const [T, B] = seq.shape;
  if (T === 0) throw new Error(`${who}: expected a sequence of length >= 1, got input of shape ${formatShape(x.shape)}`);
  const steps = StepMask.resolve(options, T, B, batchFirst);
  return { seq, steps: steps && !steps.full ? steps : null };
}

/** Time-major output [T, B, F] back to the caller's layout. */
export function leaveSequence(output: Tensor, batchFirst: boolean): Tensor {
  return batchFirst ? transpose(output, 0, 1) : output;
}

/** Checks a carry given by the caller: `size` tensors, each [B, H]-like (their shapes are the module's business). */
export function checkCarryCount(who: string, carry: readonly Tensor[] | null | undefined, size: number): void {
  if (carry && carry.length !== size) throw new Error(`${who}: expected ${size} initial state tensor(s), got ${carry.length}`);
}
