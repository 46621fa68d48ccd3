// What the wrappers (Bidirectional, StackedRNN) compose: anything that runs over a whole time-major
// sequence and hands back the outputs and a final carry. RNN / LSTM / GRU layers and Recurrence (a
// cell run over time) are sequence modules; so are the wrappers themselves, so they nest.

import type { Tensor } from '../../tensor/tensor.js';
import type { Carry } from '../cells/cell.js';
import type { StepMask } from '../layers/step_mask.js';

export interface SequenceResult {
  /** [T, B, outputSize], zeros at padded steps. */
  output: Tensor;
  /** The final carry: carrySize tensors, per row after its own last real step. */
  carry: Carry;
}

export interface SequenceModule {
  readonly inputSize: number;
  readonly outputSize: number;
  /** How many tensors the carry holds. */
  readonly carrySize: number;
  /** Training mode (dropout, zoneout): set through Module.train() / eval(). */
  training: boolean;
  /**
   * x [T, B, inputSize] (time-major whatever the module's own layout), initial carry (null: zeros),
   * steps: which steps are real (null: all).
   */
  runSequence(x: Tensor, initial: Carry | null, steps: StepMask | null): SequenceResult;
}

/** Whether a value is a SequenceModule (rather than a cell). */
export function isSequenceModule(m: unknown): m is SequenceModule {
  return typeof (m as { runSequence?: unknown }).runSequence === 'function';
}
