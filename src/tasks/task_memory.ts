// The memory a run of a sequence task needs (nn/memory_estimate.ts), from its settings alone, so
// that `unfold tasks adding --hidden 30000` or `--length 1000000000` is refused before the model or a
// batch is allocated: the TaskModel (a recurrent layer and a linear read-out) four times over, and
// the activations of the larger of a training batch and a test chunk (the inputs, the recurrent
// stack, the outputs).

import { activationBytes, adamTrainingMemory, recurrentActivationBytes, recurrentParameterCount, type MemoryEstimate } from '../nn/memory_estimate.js';
import type { TaskCell } from './task_model.js';
import type { SequenceTask, TaskSettings } from './task_spec.js';

/** Sequences per test forward pass: the test set is scored in chunks of max(batch, this). */
export const TEST_CHUNK = 100;

/** The run of `task` at length T with settings `s`. */
export function taskMemory(task: SequenceTask, taskCell: TaskCell, T: number, s: Pick<TaskSettings, 'hiddenSize' | 'batchSize'>, bidirectional: boolean): MemoryEstimate {
  // The ungated cells (IRNN, expRNN, clockwork) hold about what a tanh RNN of the same width holds.
  const cell = taskCell === 'lstm' || taskCell === 'gru' ? taskCell : 'rnn';
  const H = s.hiddenSize, D = bidirectional ? 2 : 1, O = task.outputSize(T), I = task.inputSize, steps = Math.max(T, 1);
  const parameters = recurrentParameterCount({ cell, inputSize: I, hiddenSize: H, bidirectional }) + D * H * O + O;
  const B = Math.max(s.batchSize, TEST_CHUNK);
  const activations = recurrentActivationBytes({ cell, inputSize: I, hiddenSize: H, bidirectional }, B, steps)
    + activationBytes(B * steps * (I + O));
  return adamTrainingMemory(parameters, activations);
}
