// The size of a character-level language model and of its training, computed from the config alone
// so that `unfold train` can refuse a run that would not fit (nn/memory_estimate.ts) before the
// model, the optimizer or a batch is allocated.

import { activationBytes, adamTrainingMemory, logitBytes, recurrentActivationBytes, recurrentParameterCount, type MemoryEstimate } from '../nn/memory_estimate.js';
import type { CharModelConfig } from './char_model.js';

type Sizes = Pick<CharModelConfig, 'vocabSize' | 'cell' | 'hiddenSize' | 'numLayers' | 'embeddingSize'>;

/** Exactly CharModel's numParameters(): embedding V·E, the recurrent stack, head H·V + V. */
export function charModelParameterCount(c: Sizes): number {
  const { vocabSize: V, embeddingSize: E, hiddenSize: H } = c;
  return V * E + recurrentParameterCount({ cell: c.cell, inputSize: E, hiddenSize: H, numLayers: c.numLayers }) + H * V + V;
}

/**
 * Training with AdamW on batches of `batch` windows of `seqLen` characters: the model four times
 * over, the recurrent activations, the embedded inputs and the logits of every position.
 */
export function charTrainingMemory(c: Sizes, batch: number, seqLen: number): MemoryEstimate {
  const rows = batch * seqLen;
  const activations = recurrentActivationBytes({ cell: c.cell, inputSize: c.embeddingSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers }, batch, seqLen)
    + activationBytes(rows * c.embeddingSize) + logitBytes(rows, c.vocabSize);
  return adamTrainingMemory(charModelParameterCount(c), activations);
}
