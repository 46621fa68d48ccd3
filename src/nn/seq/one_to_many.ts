// One-to-many (generation from a vector, e.g. captioning): a JordanCell conditioned on v through
// VectorConditioning (h_0 from v and/or v Rᵀ at every step), trained with teacher forcing or
// scheduled sampling and run freely to generate.

import type { Tensor } from '../../tensor/tensor.js';
import type { JordanCell } from '../cells/jordan_cell.js';
import type { VectorConditioning } from './conditioning.js';
import { runJordan, type JordanRunOptions, type JordanRunResult } from './jordan_run.js';
import { generate, type GenerateOptions, type Generated } from './generate.js';

/**
 * Training pass of a sequence y_0 … y_{T−1} from v [B, V]: runJordan with
 * carry = conditioning.initialCarry(cell, v) and stepBias = conditioning.stepBias(v).
 * Outputs: outputs [T, B, O] (o_t predicts y_t), as runJordan.
 */
export function oneToManyTrain(
  cell: JordanCell, conditioning: VectorConditioning, v: Tensor,
  options: Omit<JordanRunOptions, 'carry' | 'stepBias'>,
): JordanRunResult {
  return runJordan(cell, {
    ...options,
    carry: conditioning.initialCarry(cell, v),
    stepBias: conditioning.stepBias(v) ?? undefined,
  });
}

/** Free-running generation from v [B, V] (one row per vector), ending on EOS, halt or maxLength. */
export function oneToManyGenerate(
  cell: JordanCell, conditioning: VectorConditioning, v: Tensor,
  options: Omit<GenerateOptions, 'carry' | 'stepBias' | 'batch'>,
): Generated {
  return generate(cell, {
    ...options,
    carry: conditioning.initialCarry(cell, v),
    stepBias: conditioning.stepBias(v) ?? undefined,
  });
}
