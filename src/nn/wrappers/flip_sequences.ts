// Reversing each sequence of a padded batch in time within its own length (TensorFlow's
// reverse_sequence, flax's flip_sequences): row b's real steps t₀ < t₁ < … < t_k trade values
// (t_i ↔ t_{k−i}); padded steps stay where they are. Running a layer forward over the flipped
// batch and flipping its outputs back is running it backward from each row's own end.

import { Tensor } from '../../tensor/tensor.js';
import { embedding, indices } from '../../autograd/ops/gather.js';
import { reshape } from '../../autograd/ops/shape_ops.js';
import type { StepMask } from '../layers/step_mask.js';

/**
 * x [T, B, F] time-major → the same shape with each row's real steps in reverse order (all T steps
 * when `steps` is null). Differentiable; flipping twice gives x back.
 */
export function flipSequences(x: Tensor, steps: StepMask | null): Tensor {
  const [T, B, F] = x.shape;
  const source = new Int32Array(T * B); // output row t·B + b reads input row source[t·B + b]
  for (let b = 0; b < B; b++) {
    const real: number[] = [];
    for (let t = 0; t < T; t++) {
      source[t * B + b] = t * B + b;
      if (!steps || steps.on[t * B + b] === 1) real.push(t);
    }
    for (let i = 0; i < real.length; i++) source[real[i] * B + b] = real[real.length - 1 - i] * B + b;
  }
  return reshape(embedding(reshape(x, [T * B, F]), indices(source, [T * B])), [T, B, F]);
}
