// The expr-trees task: regress the value of arithmetic expressions. A tree net (the binary Tree-LSTM,
// or the recursive net with W_l, W_r) reads the expression tree, with the operator as each inner
// node's input; the sequential baseline, an LSTM, reads the fully parenthesised token sequence. All
// are trained on the value of every sub-expression (scaled by the training roots' standard
// deviation) and evaluated on held-out expressions: root MSE in the values' own units and R².

import { Rng } from '../tensor/random.js';
import { tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad_mode.js';
import { reshape } from '../autograd/ops/shape_ops.js';
import { mseLoss } from '../nn/losses/regression.js';
import { postOrder, type Tree } from '../tree/tree.js';
import { TreeBatch } from '../tree/tree_batch.js';
import { NaryTreeLSTM } from '../tree/nary_tree_lstm.js';
import { RecursiveNet } from '../tree/recursive_net.js';
import { TreeRegressor } from '../tree/heads.js';
import { treeMse } from '../tree/losses.js';
import { EXPR_VOCAB, exprSet, flattenExpr, MAX_EXPR_DEPTH, type ExprOptions } from './expr_trees_data.js';
import { phraseBatches, SequenceModel, shuffle, type Phrase } from './tree_task_sequence_baseline.js';
import { trainLoop, type TrainLoopOptions, type TrainLoopResult } from './tree_task_loop.js';
import { checkMemory } from '../nn/memory_estimate.js';
import { treeTaskMemory } from './tree_task_memory.js';

export type ExprModelKind = 'tree-lstm' | 'recursive' | 'lstm' | 'bilstm';

export interface ExprTreesOptions extends ExprOptions, Pick<TrainLoopOptions, 'checkpointDir' | 'resume' | 'shouldStop'> {
  /** Seed of the data and the initial weights (default 0). */
  seed?: number;
  /** Training expressions (default 2000) and held-out ones (default 500), all distinct. */
  trainSize?: number;
  testSize?: number;
  /** Token embedding size (default 16) and state size (default 48). */
  embeddingSize?: number;
  hiddenSize?: number;
  /** Expressions per tree batch (default 16); sub-expressions per sequence batch (default 64). */
  batchSize?: number;
  phraseBatchSize?: number;
  /** Adam learning rate (default 0.005), clipping norm (default 5), epochs at most (default 30). */
  lr?: number;
  clip?: number;
  epochs?: number;
  /** Wall-clock training budget per model in seconds (default: none). */
  timeSeconds?: number;
  /** Models to train, in order (default tree-lstm, recursive, lstm). */
  models?: ExprModelKind[];
  onEpoch?: (model: string, epoch: number, loss: number, seconds: number) => void;
  /** Refuse a run estimated (tree_task_memory.ts) to need more bytes than this (default 4 GiB). */
  maxMemory?: number;
}

/** A model's figures, and its training's (epochs, steps, seconds, whether it was interrupted). */
export interface ExprModelResult extends TrainLoopResult {
  model: ExprModelKind;
  /** Mean squared error of the root values on the held-out expressions, in the values' units. */
  mse: number;
  /** 1 − MSE / variance of the held-out root values. */
  r2: number;
  /** The same MSE over every sub-expression of the held-out expressions. */
  nodeMse: number;
  trainMse: number;
  parameters: number;
}

export interface ExprTreesResult {
  results: ExprModelResult[];
  /** MSE of always predicting the training roots' mean, on the held-out roots. */
  meanPredictorMse: number;
  /** Standard deviation of the training roots' values (the targets are divided by it). */
  scale: number;
  trainSize: number;
  testSize: number;
}

const valueOf = (t: Tree): number => Number(t.label);

/** Runs the task: data, each model trained in turn, held-out MSE and R². */
export async function exprTrees(options: ExprTreesOptions = {}): Promise<ExprTreesResult> {
  const o = {
    seed: 0, trainSize: 2000, testSize: 500, embeddingSize: 16, hiddenSize: 48, batchSize: 16, phraseBatchSize: 64,
    lr: 0.005, clip: 5, epochs: 30, ...options,
  };
  const exprOpts: ExprOptions = { maxDepth: o.maxDepth, maxInt: o.maxInt, maxAbs: o.maxAbs, leafProb: o.leafProb };
  // At most 2^depth numbers under 2^depth − 1 operators; flattened, each operator adds two parentheses.
  const leaves = 2 ** Math.min(o.maxDepth ?? 3, MAX_EXPR_DEPTH);
  checkMemory(treeTaskMemory({
    vocabSize: EXPR_VOCAB.length, embeddingSize: o.embeddingSize, hiddenSize: o.hiddenSize, outputs: 1,
    trainSize: o.trainSize, testSize: o.testSize, nodesPerTree: 2 * leaves - 1, wordsPerTree: 4 * leaves,
  }), options.maxMemory);
  const dataRng = new Rng(o.seed);
  const train = exprSet(dataRng, o.trainSize, exprOpts);
  const test = exprSet(dataRng, o.testSize, exprOpts, new Set(train.map((t) => flattenExpr(t).join(' '))));
  const roots = train.map(valueOf);
  const mean = roots.reduce((a, b) => a + b, 0) / roots.length;
  const scale = Math.sqrt(roots.reduce((a, b) => a + (b - mean) ** 2, 0) / roots.length) || 1;
  const testRoots = test.map(valueOf);
  const testMean = testRoots.reduce((a, b) => a + b, 0) / testRoots.length;
  const testVar = testRoots.reduce((a, b) => a + (b - testMean) ** 2, 0) / testRoots.length;
  const vocab = new Map(EXPR_VOCAB.map((w, i) => [w, i]));
  const wordId = (w: string): number => {
    const id = vocab.get(w);
    if (id === undefined) throw new Error(`expr-trees: expected a digit, an operator or a parenthesis, got '${w}'`);
    return id;
  };
  const models = options.models ?? ['tree-lstm', 'recursive', 'lstm'];
  const results: ExprModelResult[] = [];
  for (const [k, kind] of models.entries()) {
    const rng = new Rng(o.seed * 1000 + 31 + k);
    // mean squared error in the values' units of (scaled prediction, true value) pairs
    const mse = (pairs: [number, number][]): number => pairs.reduce((acc, [v, y]) => acc + (v * scale - y) ** 2, 0) / pairs.length;
    let loop, parameters: number;
    // (scaled prediction, true value) pairs over the roots and over every node of a set of trees
    let predict: (ts: Tree[]) => { roots: [number, number][]; nodes: [number, number][] };
    if (kind === 'tree-lstm' || kind === 'recursive') {
      const cfg = { vocabSize: EXPR_VOCAB.length, inputSize: o.embeddingSize, hiddenSize: o.hiddenSize };
      const enc = kind === 'tree-lstm' ? new NaryTreeLSTM({ ...cfg, arity: 2, forgetBias: 1 }, { rng }) : new RecursiveNet(cfg, { rng });
      const model = new TreeRegressor(enc, { rng });
      const batchOf = (ts: readonly Tree[]): TreeBatch => new TreeBatch(ts, { wordId, target: (l) => Number(l) / scale, maxChildren: 2 });
      const order = [...train];
      loop = await trainLoop(kind, model, o, () => {
        shuffle(order, rng);
        const bs: TreeBatch[] = [];
        for (let s = 0; s < order.length; s += o.batchSize) bs.push(batchOf(order.slice(s, s + o.batchSize)));
        return bs;
      }, rng, (b) => treeMse(model.forward(b), b, 'all'));
      model.eval();
      predict = (ts) => noGrad(() => {
        const b = batchOf(ts);
        const y = model.forward(b).data;
        return { roots: Array.from(b.roots, (r): [number, number] => [y[r], Number(b.nodes[r].label)]), nodes: Array.from(b.nodes, (n, i): [number, number] => [y[i], Number(n.label)]) };
      });
      parameters = model.numParameters();
    } else {
      const model = new SequenceModel({ vocabSize: EXPR_VOCAB.length, inputSize: o.embeddingSize, hiddenSize: o.hiddenSize, outputs: 1, bidirectional: kind === 'bilstm' }, { rng });
      const phrases = (ts: readonly Tree[], rootsOnly: boolean): Phrase[] => ts.flatMap((t) => (rootsOnly ? [t] : postOrder(t))
        .map((n) => ({ ids: flattenExpr(n).map(wordId), target: Number(n.label) })));
      const trainPhrases = phrases(train, false).map((p) => ({ ids: p.ids, target: p.target / scale }));
      loop = await trainLoop(kind, model, o, () => phraseBatches(trainPhrases, o.phraseBatchSize, rng), rng, (b) => {
        const y = reshape(model.forward(b.ids), [b.targets.length]);
        return mseLoss(y, tensor(b.targets, [b.targets.length], { dtype: y.dtype }));
      });
      model.eval();
      const run = (ps: Phrase[]): [number, number][] => noGrad(() => phraseBatches(ps, 512).flatMap((b) => {
        const y = model.forward(b.ids).data;
        return Array.from(b.targets, (t, i): [number, number] => [y[i], t]);
      }));
      predict = (ts) => ({ roots: run(phrases(ts, true)), nodes: run(phrases(ts, false)) });
      parameters = model.numParameters();
    }
    const te = predict(test), trainRoots = predict(train).roots;
    const testMse = mse(te.roots);
    results.push({ model: kind, mse: testMse, r2: 1 - testMse / testVar, nodeMse: mse(te.nodes), trainMse: mse(trainRoots), ...loop, parameters });
    if (loop.interrupted) break;
  }
  return { results, meanPredictorMse: testRoots.reduce((s, v) => s + (v - mean) ** 2, 0) / testRoots.length, scale, trainSize: train.length, testSize: test.length };
}
