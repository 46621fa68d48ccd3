// What the character-model training step and evaluation need of a model: token ids in, logits and a
// carried state out. CharModel is one; the task suite's comparison models (src/tasks/deep_lm.ts)
// are others, trained and scored by the same code so that their figures compare.

import type { Tensor } from '../tensor/tensor.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import type { Module } from '../nn/module.js';

/** Recurrent state carried between calls (opaque to the caller: whatever the model returned). */
export type CharPredictorState = Tensor[];

/** ids [B, T] (and the state a previous call returned) → [logits [B, T, vocabSize], next state]. */
export interface CharPredictor extends Module {
  readonly config: { readonly vocabSize: number };
  forward(ids: IndexTensor, state?: CharPredictorState | null): [Tensor, CharPredictorState];
}
