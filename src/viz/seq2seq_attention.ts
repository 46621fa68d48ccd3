// Attention maps of a trained seq2seq model: decode each source greedily (seq2seq's greedyDecode),
// keeping the attention weights α_t over the source at every output step. Rows are the output
// characters (the last one EOS when the model stopped), columns the source characters.

import type { Seq2Seq } from '../seq2seq/model.js';
import { padBatch } from '../seq2seq/batch.js';
import { greedyDecode } from '../seq2seq/decoding.js';
import type { Vocab } from '../data/vocab.js';
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
  return model.inEvalMode(() => {
    return sources.filter((s) => s.length > 0).map((src) => {
      const { ids, lengths } = padBatch([srcVocab.encode(src)]);
      const [h] = greedyDecode(model.session(ids, lengths), { maxLength, keepWeights: true });
      const target = h.tokens.map((id) => shown(tgtVocab.decode([id]) || '?'));
      if (h.finished) target.push('<eos>');
      return { title: `“${src}” → “${target.filter((c) => c !== '<eos>').join('').replace(/␣/g, ' ')}”`, source: Array.from(src, shown), target, weights: h.weights ?? [] };
    });
  });
}
