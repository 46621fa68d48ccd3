// Forward and backward of the character model on one batch (or one share of a batch) in this
// thread: the part of a training step that the data-parallel step splits across threads.

import '../../autograd/methods.js';
import { indices } from '../../autograd/ops/gather.js';
import { crossEntropy } from '../../nn/losses/cross_entropy.js';
import type { CharModel, CharModelState } from '../char_model.js';

/**
 * Runs the model on ids [B, T], takes the mean cross-entropy against targets [B, T] and
 * backpropagates it, adding ∂loss/∂θ into each parameter's `.grad`.
 * Returns the loss and the final recurrent state (for truncated BPTT).
 */
export function localForwardBackward(
  model: CharModel, inputs: Int32Array, targets: Int32Array, B: number, T: number, state: CharModelState | null = null,
): { loss: number; state: CharModelState } {
  if (inputs.length !== B * T || targets.length !== B * T) {
    throw new Error(`expected ${B * T} input and target ids for a batch [${B}, ${T}], got ${inputs.length} and ${targets.length}`);
  }
  const [logits, next] = model.forward(indices(inputs, [B, T]), state);
  const loss = crossEntropy(logits, indices(targets, [B, T]));
  const value = loss.item();
  loss.backward();
  return { loss: value, state: next };
}
