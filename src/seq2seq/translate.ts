// Turning texts into texts with a trained model: encode, decode in batches (greedy, sampled or beam
// search), and write the target characters back.

import type { Rng } from '../tensor/random.js';
import type { Seq2Seq } from './model.js';
import type { Vocab } from '../data/vocab.js';
import { padBatch } from './batch.js';
import { decode } from './decoding.js';
import { beamSearch } from './beam_search.js';

export interface TranslateOptions {
  /** Beam width; 0 or 1 with temperature 0 is greedy (default 0). */
  beamWidth?: number;
  /** Length-normalisation exponent of beam search (default 1). */
  lengthPenalty?: number;
  /** Sampling temperature when not beam searching (default 0: greedy). */
  temperature?: number;
  topK?: number;
  /** Most output characters (default 100). */
  maxLength?: number;
  /** Sources decoded together (default 64). */
  batchSize?: number;
  rng?: Rng;
}

/** The model's output text for every source text, in order. An empty source gives an empty output. */
export function translate(model: Seq2Seq, srcVocab: Vocab, tgtVocab: Vocab, texts: readonly string[], options: TranslateOptions = {}): string[] {
  const batchSize = options.batchSize ?? 64, beam = options.beamWidth ?? 0;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`expected a batch size >= 1, got ${batchSize}`);
  if (!(Number.isInteger(beam) && beam >= 0)) throw new Error(`expected a beam width >= 0, got ${beam}`);
  const out = new Array<string>(texts.length).fill('');
  const todo = texts.map((t, i) => ({ i, ids: srcVocab.encode(t) })).filter((x) => x.ids.length > 0);
  model.inEvalMode(() => {
    for (let k = 0; k < todo.length; k += batchSize) {
      const chunk = todo.slice(k, k + batchSize);
      const { ids, lengths } = padBatch(chunk.map((x) => x.ids));
      const session = model.session(ids, lengths);
      const hyps = beam >= 1
        ? beamSearch(session, { beamWidth: beam, maxLength: options.maxLength, lengthPenalty: options.lengthPenalty })
        : decode(session, { maxLength: options.maxLength, temperature: options.temperature, topK: options.topK, rng: options.rng });
      hyps.forEach((h, j) => { out[chunk[j].i] = tgtVocab.decode(h.tokens); });
    }
  });
  return out;
}

/** Fraction of pairs whose output equals the target exactly. */
export function exactMatch(outputs: readonly string[], targets: readonly string[]): number {
  if (outputs.length !== targets.length) throw new Error(`expected ${targets.length} outputs, got ${outputs.length}`);
  if (targets.length === 0) throw new Error('expected at least one pair to score, got none');
  let hits = 0;
  for (let i = 0; i < targets.length; i++) if (outputs[i] === targets[i]) hits++;
  return hits / targets.length;
}
