// Forward and backward of the character model on one batch: the part of a training step before
// clipping and the optimizer. It uses every core through the backend's own threads (the kernels cut
// their work between them), which measured as fast as the data-parallel step over worker replicas
// that this replaced, with one model, one memory and no gradients to combine.

import '../autograd/methods.js';
import { indices } from '../autograd/ops/gather.js';
import { crossEntropy } from '../nn/losses/cross_entropy.js';
import { Tensor } from '../tensor/tensor.js';
import type { CharPredictor, CharPredictorState } from './char_predictor.js';

/** The model on ids [B, T] and the mean cross-entropy against targets [B, T], with the final recurrent state. */
export function forwardLoss(
  model: CharPredictor, inputs: Int32Array, targets: Int32Array, B: number, T: number, state: CharPredictorState | null = null,
): { loss: Tensor; state: CharPredictorState } {
  if (inputs.length !== B * T || targets.length !== B * T) {
    throw new Error(`expected ${B * T} input and target ids for a batch [${B}, ${T}], got ${inputs.length} and ${targets.length}`);
  }
  const [logits, next] = model.forward(indices(inputs, [B, T]), state);
  return { loss: crossEntropy(logits, indices(targets, [B, T])), state: next };
}

/**
 * Runs the model on ids [B, T], takes the mean cross-entropy against targets [B, T] and
 * backpropagates `weight` times it, adding weight · ∂loss/∂θ into each parameter's `.grad`.
 * Returns the (unweighted) loss and the final recurrent state (for truncated BPTT).
 */
export function forwardBackward(
  model: CharPredictor, inputs: Int32Array, targets: Int32Array, B: number, T: number, state: CharPredictorState | null = null,
  weight = 1,
): { loss: number; state: CharPredictorState } {
  const { loss, state: next } = forwardLoss(model, inputs, targets, B, T, state);
  const value = loss.item();
  // The seed of the backward pass carries the weight: the loss kernel's gradient scale absorbs it.
  loss.backward(weight === 1 ? {} : { grad: new Tensor(Float32Array.of(weight), loss.shape) });
  return { loss: value, state: next };
}
