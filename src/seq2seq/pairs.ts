// Source/target text pairs as the model sees them: encoded with the two vocabularies, and cut into
// padded batches (source with lengths; target as shifted decoder input and output).

import type { Rng } from '../tensor/random.js';
import { padBatch, targetBatch, type PaddedBatch, type TargetBatch } from './batch.js';
import { SEQUENCE_SPECIALS, Vocab } from '../data/vocab.js';

/** A text pair. */
export interface TextPair { source: string; target: string }

/** A pair as token ids (no BOS/EOS). */
export interface EncodedPair { source: Int32Array; target: Int32Array }

/** A training batch. */
export interface Seq2SeqBatch { src: PaddedBatch; tgt: TargetBatch }

/** Source and target vocabularies built from the characters of `pairs`, with PAD, BOS, EOS and UNK first. */
export function vocabsFor(pairs: readonly TextPair[]): { srcVocab: Vocab; tgtVocab: Vocab } {
  return {
    srcVocab: Vocab.fromTexts(pairs.map((p) => p.source), { specials: SEQUENCE_SPECIALS }),
    tgtVocab: Vocab.fromTexts(pairs.map((p) => p.target), { specials: SEQUENCE_SPECIALS }),
  };
}

export function encodePair(p: TextPair, srcVocab: Vocab, tgtVocab: Vocab): EncodedPair {
  return { source: srcVocab.encode(p.source), target: tgtVocab.encode(p.target) };
}

/** One padded batch of these pairs, in this order. */
export function makeBatch(pairs: readonly EncodedPair[]): Seq2SeqBatch {
  return { src: padBatch(pairs.map((p) => p.source)), tgt: targetBatch(pairs.map((p) => p.target)) };
}

/** `size` pairs drawn uniformly with replacement. */
export function randomBatch(pairs: readonly EncodedPair[], size: number, rng: Rng): Seq2SeqBatch {
  if (pairs.length === 0) throw new Error('expected at least one training pair, got none');
  return makeBatch(Array.from({ length: size }, () => pairs[rng.int(pairs.length)]));
}
