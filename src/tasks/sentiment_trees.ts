// The sentiment-trees task: a Tree-LSTM (binary N-ary, Tai et al. 2015) reading each sentence's parse
// tree against a sequential LSTM and a bidirectional LSTM reading its words, all trained on the
// sentiment of every phrase (every node's span) of short sentences and evaluated on held-out
// sentences longer than any seen in training. Reports root (sentence) and all-node (phrase) accuracy.

import { Rng } from '../tensor/random.js';
import { noGrad } from '../autograd/grad_mode.js';
import { softmaxCrossEntropy } from '../autograd/ops/cross_entropy.js';
import { trainLoop, type TrainLoopOptions, type TrainLoopResult } from './tree_task_loop.js';
import { leafWords, postOrder, type Tree } from '../tree/tree.js';
import { TreeBatch } from '../tree/tree_batch.js';
import { NaryTreeLSTM } from '../tree/nary_tree_lstm.js';
import { TreeClassifier } from '../tree/heads.js';
import { treeAccuracy, treeCrossEntropy } from '../tree/losses.js';
import { SENTIMENT_CLASSES, SENTIMENT_VOCAB, sentimentSplit } from './sentiment_trees_data.js';
import { phraseBatches, SequenceModel, shuffle, type Phrase } from './tree_task_sequence_baseline.js';
import { maxOf, minOf } from '../tensor/large_arrays.js';
import { checkMemory } from '../nn/memory_estimate.js';
import { treeTaskMemory } from './tree_task_memory.js';

export type SentimentModelKind = 'tree-lstm' | 'lstm' | 'bilstm';

export interface SentimentTreesOptions extends Pick<TrainLoopOptions, 'checkpointDir' | 'resume' | 'shouldStop'> {
  /** Seed of the data and the initial weights (default 0). */
  seed?: number;
  /** Training sentences (default 1000) and held-out long sentences (default 300). */
  trainSize?: number;
  testSize?: number;
  /** Clauses per training sentence (default [1, 3]) and per test sentence (default [4, 5]). */
  trainClauses?: [number, number];
  testClauses?: [number, number];
  /** Word embedding size (default 32) and state size of every model (default 48). */
  embeddingSize?: number;
  hiddenSize?: number;
  /** Sentences per Tree-LSTM batch (default 16); phrases per LSTM batch (default 64). */
  batchSize?: number;
  phraseBatchSize?: number;
  /** Adam learning rate (default 0.01) and gradient clipping norm (default 5). */
  lr?: number;
  clip?: number;
  /** Training epochs per model at most (default 20). */
  epochs?: number;
  /** Wall-clock training budget per model in seconds (default: none); training stops at the first batch past it. */
  timeSeconds?: number;
  /** Which models to train (default all three, in this order). */
  models?: SentimentModelKind[];
  /** Called after each epoch. */
  onEpoch?: (model: string, epoch: number, loss: number, seconds: number) => void;
  /** Refuse a run estimated (tree_task_memory.ts) to need more bytes than this (default 4 GiB). */
  maxMemory?: number;
}

/** A model's figures, and its training's (epochs, steps, seconds, whether it was interrupted). */
export interface SentimentModelResult extends TrainLoopResult {
  model: SentimentModelKind;
  /** Accuracy of the whole-sentence label on the held-out long sentences. */
  rootAccuracy: number;
  /** Accuracy over every node (phrase) of the held-out sentences. */
  nodeAccuracy: number;
  /** Root accuracy on the training sentences. */
  trainRootAccuracy: number;
  parameters: number;
}

export interface SentimentTreesResult {
  results: SentimentModelResult[];
  /** Longest training sentence, and the shortest and longest test sentence, in words. */
  maxTrainWords: number;
  testWords: [number, number];
  /** Root accuracy of always answering the most frequent training root class. */
  majorityRootAccuracy: number;
  trainSize: number;
  testSize: number;
}

type Resolved = Required<Omit<SentimentTreesOptions, 'timeSeconds' | 'onEpoch' | 'models' | 'checkpointDir' | 'resume' | 'shouldStop' | 'maxMemory'>> & SentimentTreesOptions;

const classOf = (label: string): number => Number(label);

/** Every node's span as a phrase, with the node's class. */
function phrasesOf(trees: readonly Tree[], wordId: (w: string) => number, rootsOnly = false): Phrase[] {
  const out: Phrase[] = [];
  for (const t of trees) {
    for (const n of rootsOnly ? [t] : postOrder(t)) out.push({ ids: leafWords(n).map(wordId), target: classOf(n.label as string) });
  }
  return out;
}

async function trainTreeLstm(o: Resolved,
  train: Tree[], test: Tree[], wordId: (w: string) => number, rng: Rng): Promise<SentimentModelResult> {
  const init = { rng };
  const enc = new NaryTreeLSTM({ vocabSize: SENTIMENT_VOCAB.length, inputSize: o.embeddingSize, hiddenSize: o.hiddenSize, arity: 2, forgetBias: 1 }, init);
  const model = new TreeClassifier(enc, SENTIMENT_CLASSES.length, {}, init);
  const batchOf = (ts: readonly Tree[]): TreeBatch => new TreeBatch(ts, { wordId, target: classOf, maxChildren: 2 });
  const order = [...train];
  const loop = await trainLoop('tree-lstm', model, o, () => {
    shuffle(order, rng);
    const batches: TreeBatch[] = [];
    for (let s = 0; s < order.length; s += o.batchSize) batches.push(batchOf(order.slice(s, s + o.batchSize)));
    return batches;
  }, rng, (b) => treeCrossEntropy(model.forward(b), b, 'all'));
  model.eval();
  const acc = (ts: readonly Tree[], nodes: 'all' | 'root'): number => noGrad(() => {
    const b = batchOf(ts);
    const r = treeAccuracy(model.forward(b), b, nodes);
    return r.correct / r.total;
  });
  return {
    model: 'tree-lstm', rootAccuracy: acc(test, 'root'), nodeAccuracy: acc(test, 'all'), trainRootAccuracy: acc(train, 'root'),
    ...loop, parameters: model.numParameters(),
  };
}

async function trainSequence(kind: 'lstm' | 'bilstm', o: Resolved,
  train: Tree[], test: Tree[], wordId: (w: string) => number, rng: Rng): Promise<SentimentModelResult> {
  const model = new SequenceModel({
    vocabSize: SENTIMENT_VOCAB.length, inputSize: o.embeddingSize, hiddenSize: o.hiddenSize, outputs: SENTIMENT_CLASSES.length,
    bidirectional: kind === 'bilstm',
  }, { rng });
  const phrases = phrasesOf(train, wordId);
  const loop = await trainLoop(kind, model, o, () => phraseBatches(phrases, o.phraseBatchSize, rng), rng,
    (b) => softmaxCrossEntropy(model.forward(b.ids), Int32Array.from(b.targets), null, 'mean'));
  model.eval();
  const acc = (ps: Phrase[]): number => noGrad(() => {
    let correct = 0;
    for (const b of phraseBatches(ps, 512)) {
      const z = model.forward(b.ids);
      const C = z.shape[1];
      for (let i = 0; i < b.targets.length; i++) {
        let best = 0;
        for (let k = 1; k < C; k++) if (z.data[i * C + k] > z.data[i * C + best]) best = k;
        if (best === b.targets[i]) correct++;
      }
    }
    return correct / ps.length;
  });
  return {
    model: kind, rootAccuracy: acc(phrasesOf(test, wordId, true)), nodeAccuracy: acc(phrasesOf(test, wordId)),
    trainRootAccuracy: acc(phrasesOf(train, wordId, true)), ...loop, parameters: model.numParameters(),
  };
}

/** Runs the task: data, each model trained in turn, accuracies on the held-out long sentences. */
export async function sentimentTrees(options: SentimentTreesOptions = {}): Promise<SentimentTreesResult> {
  const o = {
    seed: 0, trainSize: 1000, testSize: 300, trainClauses: [1, 3] as [number, number], testClauses: [4, 5] as [number, number],
    embeddingSize: 32, hiddenSize: 48, batchSize: 16, phraseBatchSize: 64, lr: 0.01, clip: 5, epochs: 20, ...options,
  };
  const models = options.models ?? ['tree-lstm', 'lstm', 'bilstm'];
  // A clause has at most about 6 words; a binary tree over w words has 2w − 1 nodes.
  const words = 6 * Math.max(o.trainClauses[1], o.testClauses[1]);
  checkMemory(treeTaskMemory({
    vocabSize: SENTIMENT_VOCAB.length, embeddingSize: o.embeddingSize, hiddenSize: o.hiddenSize, outputs: SENTIMENT_CLASSES.length,
    trainSize: o.trainSize, testSize: o.testSize, nodesPerTree: 2 * words, wordsPerTree: words,
  }), options.maxMemory);
  const dataRng = new Rng(o.seed);
  const { train, test, maxTrainWords } = sentimentSplit(dataRng, o.trainSize, o.testSize, { trainClauses: o.trainClauses, testClauses: o.testClauses });
  const vocab = new Map(SENTIMENT_VOCAB.map((w, i) => [w, i]));
  const wordId = (w: string): number => {
    const id = vocab.get(w);
    if (id === undefined) throw new Error(`sentiment-trees: expected a word of the task's vocabulary, got '${w}'`);
    return id;
  };
  const counts = [0, 0, 0];
  for (const t of train) counts[classOf(t.label as string)]++;
  const majority = counts.indexOf(maxOf(counts));
  const results: SentimentModelResult[] = [];
  for (const [k, m] of models.entries()) {
    const rng = new Rng(o.seed * 1000 + 17 + k);
    const r = await (m === 'tree-lstm' ? trainTreeLstm(o, train, test, wordId, rng) : trainSequence(m, o, train, test, wordId, rng));
    results.push(r);
    if (r.interrupted) break;
  }
  const lengths = test.map((t) => leafWords(t).length);
  return {
    results, maxTrainWords, testWords: [minOf(lengths), maxOf(lengths)],
    majorityRootAccuracy: test.filter((t) => classOf(t.label as string) === majority).length / test.length,
    trainSize: train.length, testSize: test.length,
  };
}
