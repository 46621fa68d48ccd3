// The dates experiment behind `unfold tasks dates`: train a character-level encoder-decoder on
// generated (human date → ISO date) pairs for a time or step budget and score exact matches on
// held-out dates never seen in training, with attention or without (the same model otherwise).

import { Rng } from '../tensor/random.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Seq2Seq, type Seq2SeqConfig } from '../seq2seq/model.js';
import { SEQUENCE_SPECIALS, Vocab } from '../data/vocab.js';
import { encodePair, makeBatch } from '../seq2seq/pairs.js';
import { trainSeq2Seq, type DecoderTrainCallbacks } from '../train/decoder_trainer.js';
import { exactMatch, translate } from '../seq2seq/translate.js';
import type { SamplingSchedule } from '../nn/seq/scheduled_sampling.js';
import { DATE_FORMATS, datePairStream, datePairs, type DatePair } from './dates.js';
import { checkMemory } from '../nn/memory_estimate.js';
import { seq2seqTrainingMemory } from '../seq2seq/seq2seq_memory.js';
import { maxOf } from '../tensor/large_arrays.js';

/** Every character any format writes: digits, separators and the letters of month and day names. */
export const DATE_SOURCE_CHARS = ' ,-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const DATE_TARGET_CHARS = '-0123456789';

export interface DatesOptions {
  attention: 'additive' | 'general' | 'dot' | 'none';
  cell?: Seq2SeqConfig['cell'];
  hiddenSize?: number;
  embeddingSize?: number;
  batchSize?: number;
  /** Training seconds (0: none; default 0 when steps is given). */
  time?: number;
  steps?: number;
  lr?: number;
  teacherForcing?: SamplingSchedule;
  /** Held-out dates scored at the end (default 1000). */
  testSize?: number;
  /** Seed of the model, the held-out set and the training stream. */
  seed?: number;
  /** Beam width at test time (0: greedy, default). */
  beamWidth?: number;
  callbacks?: DecoderTrainCallbacks;
  /** Refuse a run estimated (seq2seq/seq2seq_memory.ts) to need more bytes than this (default 4 GiB). */
  maxMemory?: number;
}

export interface DatesResult {
  accuracy: number;
  /** Fraction of the 10 target characters right in place, over the held-out set. */
  charAccuracy: number;
  /** Exact-match rate per format index (NaN where the held-out set has none of that format). */
  perFormat: number[];
  steps: number;
  trainSeconds: number;
  loss: number;
  firstLoss: number;
  parameters: number;
  examples: { source: string; target: string; output: string }[];
}

export async function runDates(o: DatesOptions): Promise<DatesResult> {
  const seed = o.seed ?? 0, testSize = o.testSize ?? 1000, B = o.batchSize ?? 64;
  const srcVocab = new Vocab([...DATE_SOURCE_CHARS], { specials: SEQUENCE_SPECIALS }), tgtVocab = new Vocab([...DATE_TARGET_CHARS], { specials: SEQUENCE_SPECIALS });
  const config: Seq2SeqConfig = {
    srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, embeddingSize: o.embeddingSize ?? 32, hiddenSize: o.hiddenSize ?? 64,
    cell: o.cell ?? 'lstm', bidirectional: true, attention: o.attention, context: o.attention === 'none' ? 'both' : 'init',
  };
  // The longest source: the longest example, with room for longer month and weekday names.
  checkMemory(seq2seqTrainingMemory(config, B, maxOf(DATE_FORMATS.map((f) => f.example.length)) + 6, 10), o.maxMemory);
  const heldOut = datePairs(testSize, new Rng(seed + 1000003));
  const exclude = new Set(heldOut.map((p) => p.target));
  const model = new Seq2Seq(config, { rng: new Rng(seed) });
  const stream = datePairStream(new Rng(seed + 7), exclude);
  const next = (): DatePair => stream.next().value as DatePair;
  const res = await trainSeq2Seq(model, () => makeBatch(Array.from({ length: B }, () => encodePair(next(), srcVocab, tgtVocab))), {
    steps: o.steps, time: o.time, lr: o.lr ?? 3e-3, teacherForcing: o.teacherForcing, seed,
  }, o.callbacks);
  const outputs = noGrad(() => translate(model, srcVocab, tgtVocab, heldOut.map((p) => p.source), { beamWidth: o.beamWidth ?? 0, maxLength: 12, batchSize: 200 }));
  const perFormat = DATE_FORMATS.map((_, f) => {
    const idx = heldOut.map((p, i) => (p.format === f ? i : -1)).filter((i) => i >= 0);
    return idx.length ? idx.filter((i) => outputs[i] === heldOut[i].target).length / idx.length : NaN;
  });
  let right = 0;
  heldOut.forEach((p, i) => { for (let c = 0; c < p.target.length; c++) if (outputs[i][c] === p.target[c]) right++; });
  return {
    charAccuracy: right / (heldOut.length * 10),
    accuracy: exactMatch(outputs, heldOut.map((p) => p.target)), perFormat,
    steps: res.steps, trainSeconds: res.elapsed, loss: res.loss, firstLoss: res.firstLoss, parameters: model.numParameters(),
    examples: heldOut.slice(0, 5).map((p, i) => ({ source: p.source, target: p.target, output: outputs[i] })),
  };
}
