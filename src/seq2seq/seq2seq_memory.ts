// The size of a sequence-to-sequence model and of its training, from the config and the lengths of
// the data alone, so that `unfold seq2seq train` (and the tasks built on Seq2Seq) can refuse a run
// that would not fit (nn/memory_estimate.ts) before the model is built.

import {
  activationBytes, adamTrainingMemory, gatesOf, logitBytes, recurrentActivationBytes, recurrentParameterCount, type MemoryEstimate,
} from '../nn/memory_estimate.js';
import type { Seq2SeqConfig } from './model.js';

/**
 * Exactly Seq2Seq's numParameters(): the encoder's embedding and recurrent stack; the decoder's
 * embedding, bridges (context 'init' or 'both'), cells, attention, combine layer and head.
 */
export function seq2seqParameterCount(c: Seq2SeqConfig): number {
  const E = c.embeddingSize, H = c.hiddenSize, L = c.numLayers ?? 1, D = c.bidirectional ? 2 : 1, V = c.tgtVocabSize;
  const attention = c.attention ?? 'none', context = c.context ?? 'init', G = gatesOf(c.cell);
  const C = D * H, M = D * H, A = c.attentionSize ?? H;
  const encoder = c.srcVocabSize * E + recurrentParameterCount({ cell: c.cell, inputSize: E, hiddenSize: H, numLayers: L, bidirectional: c.bidirectional });
  const bridges = context === 'input' ? 0 : L * (C * H + H);
  const in0 = E + (attention !== 'none' ? H : 0) + (context !== 'init' ? C : 0);
  const cells = G * H * (in0 + H + 2) + (L - 1) * G * H * (H + H + 2);
  const scorer = attention === 'additive' ? A * H + A * M + 2 * A : attention === 'general' ? H * M : 0;
  const combine = attention === 'none' ? 0 : (M + H) * H + H;
  return encoder + V * E + bridges + cells + scorer + combine + H * V + V;
}

/**
 * Training with Adam on batches of `batch` pairs whose sources and targets are at most `srcLength`
 * and `tgtLength` tokens: the model four times over, both recurrent stacks' activations, the
 * attention weights and the logits of every target position.
 */
export function seq2seqTrainingMemory(c: Seq2SeqConfig, batch: number, srcLength: number, tgtLength: number): MemoryEstimate {
  const H = c.hiddenSize, L = c.numLayers ?? 1, S = srcLength + 1, T = tgtLength + 1;
  const encoder = recurrentActivationBytes({ cell: c.cell, inputSize: c.embeddingSize, hiddenSize: H, numLayers: L, bidirectional: c.bidirectional }, batch, S);
  const decoder = recurrentActivationBytes({ cell: c.cell, inputSize: c.embeddingSize, hiddenSize: H, numLayers: L }, batch, T);
  const attention = (c.attention ?? 'none') === 'none' ? 0 : activationBytes(batch * T * (S * 2 + 4 * H));
  return adamTrainingMemory(seq2seqParameterCount(c), encoder + decoder + attention + logitBytes(batch * T, c.tgtVocabSize));
}
