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
  const text = options.maxChars !== undefined && options.maxChars < ids.length ? ids.subarray(0, options.maxChars) : ids;
  if (text.length < 2) throw new Error(`expected at least 2 characters to evaluate, got ${text.length}`);
  const B = Math.max(1, Math.min(options.batchSize ?? 16, Math.floor((text.length - 1) / 64)));
  const batcher = new StreamBatcher(text, { batchSize: B, seqLen: options.seqLen ?? 128 });
  const V = model.config.vocabSize;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let state: CharPredictorState | null = null;
      let total = 0, count = 0;
      for (const chunk of batcher.rest()) {
        const [logits, next] = model.forward(indices(chunk.inputs, [B, chunk.length]), state);
        state = next;
        const loss = softmaxCrossEntropy(reshape(logits, [B * chunk.length, V]), chunk.targets, null, 'sum');
        total += loss.item();
        count += B * chunk.length;
      }
      return total / count;
    });
  } finally {
    model.train(wasTraining);
  }
}
