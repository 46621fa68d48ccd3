// Validation loss of a character model over a whole text, in nats per character: the text is read as
// a few long contiguous streams with the recurrent state carried across chunks, so each character is
// predicted with (almost) all of its history. Every target counts once, except the last
// (n − 1) mod B (fewer than B characters) that do not fill a stream.

import { noGrad } from '../autograd/grad_mode.js';
import { indices } from '../autograd/ops/gather.js';
import { softmaxCrossEntropy } from '../autograd/ops/cross_entropy.js';
import { reshape } from '../autograd/ops/shape_ops.js';
import { StreamBatcher } from '../data/batches.js';
import type { CharPredictor, CharPredictorState } from './char_predictor.js';
import type { Tensor } from '../tensor/tensor.js';

export interface EvaluateOptions {
  /** Parallel streams (default 16; fewer for short texts). */
  batchSize?: number;
  /** Steps per forward pass (default 128). */
  seqLen?: number;
  /** Evaluate only the first this-many characters (default: all). */
  maxChars?: number;
}

/** Mean cross-entropy (nats/char) of predicting ids[i + 1] from ids[0..i]. */
export function evaluate(model: CharPredictor, ids: Int32Array, options: EvaluateOptions = {}): number {
  let total = 0, count = 0;
  for (const c of chunkLosses(model, ids, options)) { total += c.loss.item(); count += c.count; }
  return total / count;
}

/**
 * evaluate() for backends that read back only asynchronously (WebGPU): the same chunks and sum,
 * each chunk's loss awaited (one round trip per chunk of B × seqLen characters).
 */
export async function evaluateAsync(model: CharPredictor, ids: Int32Array, options: EvaluateOptions = {}): Promise<number> {
  let total = 0, count = 0;
  for (const c of chunkLosses(model, ids, options)) { total += (await c.loss.read())[0]; count += c.count; }
  return total / count;
}

// The text as B long streams in chunks of seqLen, the state carried across: each chunk's summed loss
// (a one-element tensor, computed without a graph) and how many targets it covers. The model is in
// evaluation mode while the chunks are drawn, and back in its own mode once the loop ends or is left.
function* chunkLosses(model: CharPredictor, ids: Int32Array, options: EvaluateOptions): Generator<{ loss: Tensor; count: number }> {
  const text = options.maxChars !== undefined && options.maxChars < ids.length ? ids.subarray(0, options.maxChars) : ids;
  if (text.length < 2) throw new Error(`expected at least 2 characters to evaluate, got ${text.length}`);
  const B = Math.max(1, Math.min(options.batchSize ?? 16, Math.floor((text.length - 1) / 64)));
  const batcher = new StreamBatcher(text, { batchSize: B, seqLen: options.seqLen ?? 128 });
  const V = model.config.vocabSize;
  const wasTraining = model.training;
  model.eval();
  try {
    let state: CharPredictorState | null = null;
    for (const chunk of batcher.rest()) {
      const loss = noGrad(() => {
        const [logits, next] = model.forward(indices(chunk.inputs, [B, chunk.length]), state);
        state = next;
        return softmaxCrossEntropy(reshape(logits, [B * chunk.length, V]), chunk.targets, null, 'sum');
      });
      yield { loss, count: B * chunk.length };
    }
  } finally {
    model.train(wasTraining);
  }
}
