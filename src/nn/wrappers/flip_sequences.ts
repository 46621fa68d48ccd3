// Reversing each sequence of a padded batch in time within its own length (TensorFlow's
// reverse_sequence, flax's flip_sequences): row b's real steps t₀ < t₁ < … < t_k trade values
// (t_i ↔ t_{k−i}); padded steps stay where they are. Running a layer forward over the flipped
// batch and flipping its outputs back is running it backward from each row's own end.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { selectRows } from '../../autograd/ops/gather.js';
import { reshape } from '../../autograd/ops/shape_ops.js';
import type { StepMask } from '../layers/step_mask.js';

/**
 * x [T, B, F] time-major (batchFirst: [B, T, F]) → the same shape with each row's real steps in
 * reverse order (all T steps when `steps` is null). Differentiable; flipping twice gives x back.
 */
export function flipSequences(x: Tensor, steps: StepMask | null, batchFirst = false): Tensor {
  if (x.rank !== 3) throw new Error(`flipSequences: expected a tensor of shape ${batchFirst ? '[B, T, F]' : '[T, B, F]'}, got ${formatShape(x.shape)}`);
  const [T, B, F] = batchFirst ? [x.shape[1], x.shape[0], x.shape[2]] : x.shape;
  const row = batchFirst ? (t: number, b: number): number => b * T + t : (t: number, b: number): number => t * B + b;
  const source = new Int32Array(T * B); // output row `row(t, b)` reads input row source[row(t, b)]
  for (let b = 0; b < B; b++) {
    const real: number[] = [];
    for (let t = 0; t < T; t++) {
      source[row(t, b)] = row(t, b);
      if (!steps || steps.on[t * B + b] === 1) real.push(t);
    }
    for (let i = 0; i < real.length; i++) source[row(real[i], b)] = row(real[real.length - 1 - i], b);
  }
  return reshape(selectRows(reshape(x, [T * B, F]), source), x.shape);
}
