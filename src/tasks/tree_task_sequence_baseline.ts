// The sequential baselines of the tree tasks: an LSTM (or bidirectional LSTM) reading a phrase's
// words left to right, with a linear output on its final state, and the batching of phrases by
// length (every batch holds phrases of one length, so no padding or masking is needed).

import { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import { embedding, indices, type IndexTensor } from '../autograd/ops/gather.js';
import { concat, reshape, select } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { LSTM } from '../nn/layers/lstm.js';
import type { InitOptions } from '../nn/init.js';
import { registerClass } from '../nn/registry.js';

export interface SequenceModelConfig {
  vocabSize: number;
  inputSize: number;
  hiddenSize: number;
  /** Outputs per sequence: classes, or 1 for regression. */
  outputs: number;
  /** Read the words in both directions and join the two final states (default false). */
  bidirectional?: boolean;
}

/**
 * y = W [h_T] + b (unidirectional) or y = W [h_T^→ ; h_1^←] + b (bidirectional), with h from an
 * LSTM over the embedded words.
 *
 * Inputs: ids [T, B] (time-major word ids). Outputs: [B, outputs].
 * Parameters: `embedding.weight` [V, E], `lstm.*` (nn.LSTM's names), `head.weight` [outputs, D·H], `head.bias`.
 */
export class SequenceModel extends Module {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly head: Linear;
  readonly bidirectional: boolean;
  readonly outputs: number;

  constructor(config: SequenceModelConfig, init: InitOptions = {}) {
    super();
    this.bidirectional = config.bidirectional ?? false;
    this.outputs = config.outputs;
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: config.vocabSize, embeddingDim: config.inputSize }, init));
    this.lstm = this.registerModule('lstm', new LSTM({
      inputSize: config.inputSize, hiddenSize: config.hiddenSize, bidirectional: this.bidirectional, forgetBias: 1,
    }, init));
    const D = this.bidirectional ? 2 : 1;
    this.head = this.registerModule('head', new Linear({ inFeatures: D * config.hiddenSize, outFeatures: config.outputs }, init));
  }

  getConfig(): Required<SequenceModelConfig> {
    const { numEmbeddings: vocabSize, embeddingDim: inputSize } = this.embedding.config;
    return { vocabSize, inputSize, hiddenSize: this.lstm.config.hiddenSize, outputs: this.outputs, bidirectional: this.bidirectional };
  }

  forward(ids: IndexTensor): Tensor {
    const x = embedding(this.embedding.weight, ids); // [T, B, E]
    const [, [hn]] = this.lstm.forward(x); // h_n [D, B, H]: the forward direction's last step, the backward one's first
    const last = this.bidirectional ? concat([select(hn, 0, 0), select(hn, 0, 1)], 1) : reshape(hn, [hn.shape[1], hn.shape[2]]);
    return this.head.forward(last);
  }
}

registerClass('tasks.SequenceModel', SequenceModel, (config, init) => new SequenceModel(config, init));

/** A phrase: its word ids and its target (class index or value). */
export interface Phrase {
  readonly ids: readonly number[];
  readonly target: number;
}

/** A batch of phrases of one length T: ids [T, B] time-major, targets [B]. */
export interface PhraseBatch {
  readonly ids: IndexTensor;
  readonly targets: Float64Array;
}

/**
 * Groups phrases by length and cuts each group into batches of at most `batchSize`, in a random
 * order when an rng is given (shuffled within lengths, and the batches shuffled).
 */
export function phraseBatches(phrases: readonly Phrase[], batchSize: number, rng?: Rng): PhraseBatch[] {
  const byLength = new Map<number, Phrase[]>();
  for (const p of phrases) {
    if (p.ids.length === 0) throw new Error('phraseBatches: expected phrases of at least one word, got an empty one');
    const g = byLength.get(p.ids.length) ?? [];
    g.push(p);
    byLength.set(p.ids.length, g);
  }
  const out: PhraseBatch[] = [];
  for (const [T, group] of [...byLength].sort((a, b) => a[0] - b[0])) {
    if (rng) shuffle(group, rng);
    for (let s = 0; s < group.length; s += batchSize) {
      const part = group.slice(s, s + batchSize);
      const B = part.length;
      const ids = new Int32Array(T * B);
      part.forEach((p, b) => p.ids.forEach((id, t) => { ids[t * B + b] = id; }));
      out.push({ ids: indices(ids, [T, B]), targets: Float64Array.from(part, (p) => p.target) });
    }
  }
  if (rng) shuffle(out, rng);
  return out;
}

/** Fisher–Yates, in place. */
export function shuffle<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}
