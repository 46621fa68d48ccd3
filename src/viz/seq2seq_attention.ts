// Attention maps of a trained seq2seq model: decode each source greedily, one step at a time, and
// keep the attention weights α_t over the source at every output step. Rows are the output
// characters (the last one EOS when the model stopped), columns the source characters.

import { argmax } from '../autograd/ops/reduce.js';
import { tensor } from '../tensor/tensor.js';
import type { Seq2Seq } from '../seq2seq/model.js';
import { padBatch } from '../seq2seq/batch.js';
import { BOS, EOS, type Vocab } from '../data/vocab.js';
import type { AttentionMap } from './attention_section.js';

const shown = (c: string): string => (c === ' ' ? '␣' : c === '\n' ? '↵' : c);

/**
 * One map per non-empty source text, from greedy decoding (at most maxLength output steps).
 * Throws when the model has no attention.
 */
export function seq2seqAttentionMaps(model: Seq2Seq, srcVocab: Vocab, tgtVocab: Vocab, sources: readonly string[], maxLength = 60): AttentionMap[] {
  if ((model.config.attention ?? 'none') === 'none') {
    throw new Error("expected a seq2seq model with attention (additive, general or dot), got attention 'none': there is nothing to draw");
  }
  const wasTraining = model.training;
  model.eval();
  try {
    return sources.filter((s) => s.length > 0).map((src) => {
      const srcIds = srcVocab.encode(src);
      const { ids, lengths } = padBatch([srcIds]);
      const session = model.session(ids, lengths);
      const S = srcIds.length;
      const weights: number[][] = [], target: string[] = [];
      let prev = Int32Array.of(BOS);
      for (let t = 0; t < maxLength; t++) {
        const logits = session.next(prev);
        const alpha = session.lastWeights;
        if (!alpha) throw new Error('expected attention weights from the decoder step, got none');
        weights.push(Array.from(alpha.data.subarray(0, S)));
        const next = argmax(tensor(Array.from(logits)), -1)[0];
        target.push(next === EOS ? '<eos>' : shown(tgtVocab.decode([next]) || '?'));
        if (next === EOS) break;
        prev = Int32Array.of(next);
      }
      return { title: `“${src}” → “${target.filter((c) => c !== '<eos>').join('').replace(/␣/g, ' ')}”`, source: Array.from(src, shown), target, weights };
    });
  } finally {
    model.train(wasTraining);
  }
}
